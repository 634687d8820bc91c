package io.cgiguard.load;

/**
 * What the gateway's retries hid, read from {@code X-Cgiguard-Attempts} on every response that
 * carried it: a response that succeeded only after a retry is a script failure the user did not
 * see but the operator must.
 *
 * @param okFirstTry successes whose script answered on its first run
 * @param okAfterRetry successes that needed more than one run
 * @param failed failures the client saw (the gateway gave up)
 * @param attempts script runs behind all of these
 * @param failedAttempts runs among them that failed
 */
public record GatewayAttempts(
    long okFirstTry, long okAfterRetry, long failed, long attempts, long failedAttempts) {

  /** No response carried the header: the target is not cgiguard, or nothing was measured. */
  public static final GatewayAttempts NONE = new GatewayAttempts(0, 0, 0, 0, 0);

  /** @return responses that carried the header */
  public long responses() {
    return okFirstTry + okAfterRetry + failed;
  }

  /** @return the script's own failure rate per run, 0 to 1 */
  public double attemptFailureRate() {
    return attempts == 0 ? 0 : (double) failedAttempts / attempts;
  }

  /** @return failed responses per response that carried the header, 0 to 1 */
  public double responseFailureRate() {
    return responses() == 0 ? 0 : (double) failed / responses();
  }

  GatewayAttempts plus(GatewayAttempts other) {
    return new GatewayAttempts(okFirstTry + other.okFirstTry, okAfterRetry + other.okAfterRetry,
        failed + other.failed, attempts + other.attempts, failedAttempts + other.failedAttempts);
  }
}
