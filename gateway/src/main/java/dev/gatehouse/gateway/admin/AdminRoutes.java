package dev.gatehouse.gateway.admin;

import io.vertx.ext.web.Router;

/** A group of admin-plane routes; mounted behind the admin authenticator and body handler. */
public interface AdminRoutes {

  void mount(Router router);
}
