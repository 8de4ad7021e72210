// Live tail of the audit search: polls the console's own tail endpoint and rebuilds the table with
// text nodes only (nothing from the server is ever parsed as HTML).
(function () {
  'use strict';
  var toggle = document.getElementById('tail-toggle');
  var body = document.querySelector('#audit-events tbody');
  var state = document.getElementById('tail-state');
  if (!toggle || !body) {
    return;
  }
  var timer = null;
  var columns = ['ts', 'ref', 'decision', 'status', 'reason_key', 'method', 'path_template', 'subject', 'workspace',
    'client_address', 'request_id'];

  function render(events) {
    while (body.firstChild) {
      body.removeChild(body.firstChild);
    }
    events.forEach(function (event) {
      var row = document.createElement('tr');
      row.className = event.decision === 'deny' ? 'deny' : 'allow';
      columns.forEach(function (column) {
        var cell = document.createElement('td');
        var value = column === 'ref' ? event.node_id + ':' + event.seq : event[column];
        cell.textContent = value === undefined || value === null ? '' : String(value);
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
  }

  function poll() {
    fetch('/console/audit/tail?' + toggle.getAttribute('data-query'), { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('status ' + response.status);
        }
        return response.json();
      })
      .then(function (page) {
        render(page.events);
        state.textContent = 'live, updated ' + new Date().toISOString();
      })
      .catch(function () {
        state.textContent = 'live tail paused: the console did not answer';
      });
  }

  toggle.addEventListener('click', function () {
    if (timer === null) {
      poll();
      timer = window.setInterval(poll, 3000);
      toggle.textContent = 'Stop live tail';
    } else {
      window.clearInterval(timer);
      timer = null;
      toggle.textContent = 'Live tail';
      state.textContent = '';
    }
  });
}());
