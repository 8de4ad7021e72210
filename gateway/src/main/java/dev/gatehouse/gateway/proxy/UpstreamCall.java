package dev.gatehouse.gateway.proxy;

import io.vertx.core.MultiMap;

/** Observes the calls one forwarded exchange makes to the runtime (metrics, tracing). */
public interface UpstreamCall {

  /** Observes nothing. */
  UpstreamCall NONE = new UpstreamCall() {
    @Override
    public void sending(MultiMap headers) {}

    @Override
    public void ended(int status, String failure) {}
  };

  /** The request is about to be sent with {@code headers}, which may still be changed. */
  void sending(MultiMap headers);

  /**
   * The runtime answered with {@code status}, or (status 0) the call failed: {@code failure} is
   * then {@link UpstreamFailureInterceptor#TIMEOUT_REASON} or
   * {@link UpstreamFailureInterceptor#UNREACHABLE_REASON}, or {@code client_closed} when the
   * client left first and the call was reset. Called once per {@link #sending}, on any thread.
   */
  void ended(int status, String failure);
}
