package dev.gatehouse.gateway.runtime;

/**
 * The managed runtime could not be installed or started. The message says what to do (install
 * Node.js, read a named log file, raise a timeout) and never carries a credential.
 */
public final class RuntimeStartException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public RuntimeStartException(String message) {
    super(message);
  }

  public RuntimeStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
