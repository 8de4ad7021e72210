package dev.gatehouse.gateway.session;

/**
 * The sign-in page: one form, no script, no external resource (the page's Content-Security-Policy
 * allows none). Every value put into it is HTML-escaped.
 */
final class LoginPage {

  private LoginPage() {}

  static String render(String next, String message) {
    return """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Sign in - Gatehouse</title></head>
        <body>
        <main>
        <h1>Sign in</h1>
        <p role="alert" id="message">%s</p>
        <form method="post" action="/login">
        <input type="hidden" name="next" value="%s">
        <label for="token">Access token</label><br>
        <textarea id="token" name="token" rows="6" cols="70" autocomplete="off" spellcheck="false" required></textarea><br>
        <button type="submit" id="sign-in">Sign in</button>
        </form>
        <p>Ask your workspace administrator for a token (<code>gatehouse token create</code>).</p>
        </main>
        </body>
        </html>
        """.formatted(escape(message), escape(next));
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
