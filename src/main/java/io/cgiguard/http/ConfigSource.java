package io.cgiguard.http;

import io.cgiguard.config.GatewayConfig;

/**
 * Where a reload reads the configuration again: the file the gateway was started with, with the
 * same command-line overrides applied.
 */
@FunctionalInterface
public interface ConfigSource {

  /**
   * @return the whole configuration as it is now
   * @throws io.cgiguard.config.ConfigException with every problem of the file
   * @throws Exception when it cannot be read at all
   */
  GatewayConfig read() throws Exception;
}
