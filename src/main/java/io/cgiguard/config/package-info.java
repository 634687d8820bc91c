/**
 * The configuration file: TOML in, one immutable, validated {@link io.cgiguard.config.GatewayConfig}
 * out. Validation runs in one pass and reports every problem with its file, line and key; the
 * defaults live in {@link io.cgiguard.config.ConfigLoader} and nowhere else. Knows nothing of
 * Jetty or processes.
 */
package io.cgiguard.config;
