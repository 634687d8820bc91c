package io.cgiguard.config;

/**
 * One thing wrong with a configuration file.
 *
 * @param key the dotted key, such as {@code server.port} or {@code mount[1].dir}
 * @param line the 1-based line in the file, or 0 when not known (a key that is missing)
 * @param message what is wrong and what is expected
 */
public record ConfigProblem(String key, int line, String message) {}
