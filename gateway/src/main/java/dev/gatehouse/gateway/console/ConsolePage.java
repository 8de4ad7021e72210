package dev.gatehouse.gateway.console;

import io.vertx.ext.web.Router;

/** One console page (or a few close ones): mounted on the console's router, behind sign-in. */
interface ConsolePage {

  /** Mounts the page's routes, relative to {@value Console#PATH}. */
  void mount(Router console);
}
