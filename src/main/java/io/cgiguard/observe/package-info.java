/**
 * Beside the request's path: what happened, counted and kept for people to read.
 *
 * <p>Input: plain facts the gateway reports after each request and attempt (script name, outcome
 * label, duration, errno), failure records for the diagnostic history, and suppliers of live state
 * (running and queued scripts, circuit states). Output: the Prometheus text exposition of
 * {@link io.cgiguard.observe.GatewayMetrics}, the {@code /-/status} document as JSON
 * ({@link io.cgiguard.observe.StatusJson}) and HTML ({@link io.cgiguard.observe.StatusPage}), and
 * the {@code /-/health} value ({@link io.cgiguard.observe.Health}).
 *
 * <p>This package knows neither Jetty nor the gateway's request types: every input is a record of
 * strings and numbers, so the {@code http} package can serve it and tests can feed it directly.
 * Its pages are escaped and written by the shared {@code text} package.
 */
package io.cgiguard.observe;
