package dev.gatehouse.gateway.session;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The sign-in pages: forms and links only, no script, no external resource (their
 * Content-Security-Policy allows none). Every value put into them is HTML-escaped.
 */
final class LoginPage {

  private LoginPage() {}

  /**
   * The sign-in form; with {@code provider}, a link to sign in through the OpenID provider first,
   * labelled so.
   */
  static String render(String next, String message, Optional<String> provider) {
    String link = provider.map(label -> "<p><a id=\"sign-in-provider\" href=\"" + OidcSignIn.START_PATH + "?next="
        + escape(URLEncoder.encode(next, StandardCharsets.UTF_8)) + "\">" + escape(label) + "</a></p>\n<p>or</p>\n")
        .orElse("");
    return page("Sign in", """
        <p role="alert" id="message">%s</p>
        %s<form method="post" action="/login">
        <input type="hidden" name="next" value="%s">
        <label for="token">Access token</label><br>
        <textarea id="token" name="token" rows="6" cols="70" autocomplete="off" spellcheck="false" required></textarea><br>
        <button type="submit" id="sign-in">Sign in</button>
        </form>
        <p>Ask your workspace administrator for a token (<code>gatehouse token create</code>).</p>
        """.formatted(escape(message), link, escape(next)));
  }

  /** The workspace picker of a person the provider vouched for in several workspaces. */
  static String pickWorkspace(List<String> workspaces) {
    StringBuilder buttons = new StringBuilder();
    for (String workspace : workspaces) {
      buttons.append("<button type=\"submit\" name=\"workspace\" value=\"").append(escape(workspace)).append("\">")
          .append(escape(workspace)).append("</button><br>\n");
    }
    return page("Choose a workspace", """
        <p>You belong to several workspaces. Which one do you want to work in?</p>
        <form method="post" action="%s" id="workspaces">
        %s</form>
        """.formatted(OidcSignIn.PICK_PATH, buttons));
  }

  private static String page(String title, String main) {
    return """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>%s - Gatehouse</title></head>
        <body>
        <main>
        <h1>%s</h1>
        %s</main>
        </body>
        </html>
        """.formatted(title, title, main);
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
