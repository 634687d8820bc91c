package io.cgiguard.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file a command is to write, checked before the command does its work: a report path found
 * wrong only after a ten-minute load run throws the run away, and an exception's bare path does
 * not say what is wrong with it.
 */
final class OutputFile {

  private OutputFile() {}

  /** @return what stands in the way of writing {@code file}, if anything */
  static Optional<String> problem(Path file) {
    if (Files.isDirectory(file)) {
      return Optional.of(file + " is a directory; give a file name");
    }
    Path directory = file.toAbsolutePath().normalize().getParent();
    if (!Files.isDirectory(directory)) {
      return Optional.of("cannot write " + file + ": the directory " + directory
          + (Files.exists(directory) ? " is not a directory" : " does not exist"));
    }
    if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(directory)) {
      return Optional.of("cannot write " + file + ": "
          + (Files.exists(file) ? "the file" : "the directory " + directory)
          + " is not writable by this user");
    }
    return Optional.empty();
  }
}
