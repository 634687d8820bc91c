package io.cgiguard.launch.posix;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a spawn reads, laid out in one native block: the file actions and attributes, two
 * signal sets and the pid slot of posix_spawn(3) (which {@link CloneSpawn} leaves unused), the
 * NULL-terminated argv and envp pointer arrays and their NUL-terminated UTF-8 strings. One block
 * instead of a JNA object per string and structure, because each JNA allocation is tracked in a
 * global map and registered with a cleaner, and a spawn used to make some thirty of them; the
 * block is freed as soon as the spawn returns.
 *
 * <p>UTF-8 whatever the JVM's default charset, which JNA's own String conversion would follow.
 */
final class SpawnImage implements AutoCloseable {
  private static final int POINTER_BYTES = 8;
  private static final long ACTIONS = 0;
  private static final long ATTR = ACTIONS + LibC.FILE_ACTIONS_BYTES;
  private static final long EMPTY_MASK = ATTR + LibC.SPAWNATTR_BYTES;
  private static final long ALL_SIGNALS = EMPTY_MASK + LibC.SIGSET_BYTES;
  private static final long PID = ALL_SIGNALS + LibC.SIGSET_BYTES;
  private static final long ARGV = PID + POINTER_BYTES;

  private final Memory block;
  private final long base;
  private final long envp;
  private final long program;
  private final long directory;

  private SpawnImage(Memory block, long envp, long program, long directory) {
    this.block = block;
    this.base = Pointer.nativeValue(block);
    this.envp = envp;
    this.program = program;
    this.directory = directory;
  }

  /** Lays out the strings; the structures are left for their glibc init functions. */
  static SpawnImage of(Path program, List<String> argv, Map<String, String> environment,
      Path directory) {
    byte[] programBytes = utf8(program.toString());
    byte[] directoryBytes = utf8(directory.toString());
    byte[][] args = new byte[argv.size()][];
    long stringBytes = programBytes.length + 1L + directoryBytes.length + 1L;
    for (int i = 0; i < args.length; i++) {
      args[i] = utf8(argv.get(i));
      stringBytes += args[i].length + 1L;
    }
    byte[][] names = new byte[environment.size()][];
    byte[][] values = new byte[environment.size()][];
    int e = 0;
    for (Map.Entry<String, String> variable : environment.entrySet()) {
      names[e] = utf8(variable.getKey());
      values[e] = utf8(variable.getValue());
      stringBytes += names[e].length + 1L + values[e].length + 1L;
      e++;
    }
    long envp = ARGV + (args.length + 1L) * POINTER_BYTES;
    long strings = envp + (names.length + 1L) * POINTER_BYTES;
    Memory block = new Memory(strings + stringBytes);
    long base = Pointer.nativeValue(block);
    // Filled through one view of the block: a Memory.write or setByte is a native call each,
    // and a spawn with 25 variables made some 130 of them; puts into the view are plain Java.
    // The view comes from a bare Pointer, not from the Memory, which would also register it in
    // JNA's global, synchronized map of buffers; it is used only here, while the block lives.
    ByteBuffer view = new Pointer(base).getByteBuffer(0, block.size())
        .order(ByteOrder.nativeOrder());
    int at = (int) strings;
    long programAt = at;
    at = put(view, at, programBytes, null);
    long directoryAt = at;
    at = put(view, at, directoryBytes, null);
    for (int i = 0; i < args.length; i++) {
      view.putLong((int) ARGV + i * POINTER_BYTES, base + at);
      at = put(view, at, args[i], null);
    }
    view.putLong((int) ARGV + args.length * POINTER_BYTES, 0L);
    for (int i = 0; i < names.length; i++) {
      view.putLong((int) envp + i * POINTER_BYTES, base + at);
      at = put(view, at, names[i], values[i]);
    }
    view.putLong((int) envp + names.length * POINTER_BYTES, 0L);
    return new SpawnImage(block, envp, programAt, directoryAt);
  }

  /** Writes {@code first}, then {@code =second} when given, then NUL; @return the next offset */
  private static int put(ByteBuffer view, int at, byte[] first, byte[] second) {
    view.put(at, first);
    at += first.length;
    if (second != null) {
      view.put(at++, (byte) '=');
      view.put(at, second);
      at += second.length;
    }
    view.put(at, (byte) 0);
    return at + 1;
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  Pointer actions() {
    return pointer(ACTIONS);
  }

  Pointer attr() {
    return pointer(ATTR);
  }

  Pointer emptyMask() {
    return pointer(EMPTY_MASK);
  }

  Pointer allSignals() {
    return pointer(ALL_SIGNALS);
  }

  Pointer pidSlot() {
    return pointer(PID);
  }

  int pid() {
    return block.getInt(PID);
  }

  Pointer argv() {
    return pointer(ARGV);
  }

  Pointer envp() {
    return pointer(envp);
  }

  Pointer program() {
    return pointer(program);
  }

  Pointer directory() {
    return pointer(directory);
  }

  /**
   * A bare pointer into the block. Not {@link Memory#share}, whose view is a JNA memory object of
   * its own, nine of them per spawn; the block outlives every use, since it is closed only after
   * the spawn returns.
   */
  private Pointer pointer(long offset) {
    return new Pointer(base + offset);
  }

  /** Frees the block now rather than when the garbage collector finds it. */
  @Override
  public void close() {
    block.close();
  }
}
