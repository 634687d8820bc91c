package io.cgiguard.fastcgi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One connection's side of the Responder role (specification section 6.2), one request at a time:
 * turns records into {@link Event}s, answers management records (GET_VALUES, unknown types) and
 * refuses what it does not serve — another role, or a second request while one is running, as
 * fcgiwrap does (the answer is END_REQUEST with CANT_MPX_CONN). A connection is fed its bytes in
 * order; this class holds no more than one record and the PARAMS of one request, both bounded.
 */
public final class ResponderSession {

  private static final int RESPONDER = 1;
  private static final int KEEP_CONN = 1;

  /** What a connection must act on, in the order the front server sent it. */
  public sealed interface Event {

    /** A request began; its params follow. */
    record Begin(int requestId, boolean keepConnection) implements Event {}

    /** The request's params are complete: its CGI environment as the front server made it. */
    record Params(Map<String, String> params) implements Event {}

    /** The request's params were larger than the limit; answer the request and go on. */
    record ParamsTooLarge(int limitBytes) implements Event {}

    /** Body bytes (STDIN, section 5.3). */
    record Stdin(byte[] bytes) implements Event {}

    /** The body ended (the empty STDIN record). */
    record StdinEnd() implements Event {}

    /** The front server gave up on the request (ABORT_REQUEST, section 5.4). */
    record Abort() implements Event {}

    /**
     * Bytes the session answers by itself: management replies and refusals.
     *
     * @param closes whether the connection is to close once they are written: a request of a
     *     role this application refuses, sent without FCGI_KEEP_CONN (section 5.1)
     */
    record Reply(ByteBuffer bytes, boolean closes) implements Event {
      public Reply(ByteBuffer bytes) {
        this(bytes, false);
      }
    }
  }

  private final RecordReader reader = new RecordReader();
  private final int maxParamsBytes;
  private final int maxConnections;
  private final ByteArrayOutputStream params = new ByteArrayOutputStream();
  private int activeId;
  private boolean paramsDone;
  private boolean paramsTooLarge;

  /**
   * @param maxParamsBytes the largest PARAMS stream accepted for one request
   * @param maxConnections the connection limit told to GET_VALUES (FCGI_MAX_CONNS)
   */
  public ResponderSession(int maxParamsBytes, int maxConnections) {
    this.maxParamsBytes = maxParamsBytes;
    this.maxConnections = maxConnections;
  }

  /**
   * @return the next event the bytes of {@code in} make, or empty when {@code in} is used up
   * @throws ProtocolException when the peer breaks the framing; the connection must close
   */
  public Optional<Event> next(ByteBuffer in) throws ProtocolException {
    while (true) {
      Optional<FastCgiRecord> record = reader.next(in);
      if (record.isEmpty()) {
        return Optional.empty();
      }
      Optional<Event> event = accept(record.get());
      if (event.isPresent()) {
        return event;
      }
    }
  }

  /** @return the id of the request being served, 0 when none is */
  public int activeRequest() {
    return activeId;
  }

  /** The current request's answer is complete: the next BEGIN_REQUEST may start one. */
  public void finished() {
    activeId = 0;
    paramsDone = false;
    paramsTooLarge = false;
    params.reset();
  }

  private Optional<Event> accept(FastCgiRecord record) throws ProtocolException {
    if (record.management()) {
      return Optional.of(new Event.Reply(management(record)));
    }
    if (record.type() == FastCgiRecord.BEGIN_REQUEST) {
      return begin(record);
    }
    if (record.requestId() != activeId) {
      // Section 3.3: records of a request that is not active are ignored.
      return Optional.empty();
    }
    return switch (record.type()) {
      case FastCgiRecord.PARAMS -> params(record);
      case FastCgiRecord.STDIN -> stdin(record);
      case FastCgiRecord.ABORT_REQUEST -> Optional.of(new Event.Abort());
      default -> Optional.empty();
    };
  }

  private Optional<Event> begin(FastCgiRecord record) throws ProtocolException {
    byte[] body = record.content();
    if (body.length < 3) {
      throw new ProtocolException("BEGIN_REQUEST carries " + body.length + " bytes, not 8");
    }
    int role = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
    if (activeId != 0) {
      return Optional.of(new Event.Reply(RecordWriter.endRequest(record.requestId(), 0,
          RecordWriter.CANT_MPX_CONN)));
    }
    if (role != RESPONDER) {
      return Optional.of(new Event.Reply(RecordWriter.endRequest(record.requestId(), 0,
          RecordWriter.UNKNOWN_ROLE), (body[2] & KEEP_CONN) == 0));
    }
    activeId = record.requestId();
    return Optional.of(new Event.Begin(activeId, (body[2] & KEEP_CONN) != 0));
  }

  private Optional<Event> params(FastCgiRecord record) throws ProtocolException {
    if (paramsDone) {
      return Optional.empty();
    }
    if (record.content().length == 0) {
      paramsDone = true;
      if (paramsTooLarge) {
        return Optional.of(new Event.ParamsTooLarge(maxParamsBytes));
      }
      Map<String, String> decoded = NameValuePairs.decode(params.toByteArray());
      params.reset();
      return Optional.of(new Event.Params(decoded));
    }
    if (params.size() + record.content().length > maxParamsBytes) {
      paramsTooLarge = true;
      params.reset();
    }
    if (!paramsTooLarge) {
      params.writeBytes(record.content());
    }
    return Optional.empty();
  }

  private Optional<Event> stdin(FastCgiRecord record) throws ProtocolException {
    if (!paramsDone) {
      throw new ProtocolException("STDIN before the end of PARAMS");
    }
    return Optional.of(record.content().length == 0 ? new Event.StdinEnd()
        : new Event.Stdin(record.content()));
  }

  /** Section 4: GET_VALUES is answered with what this responder is; any other type is unknown. */
  private ByteBuffer management(FastCgiRecord record) throws ProtocolException {
    if (record.type() != FastCgiRecord.GET_VALUES) {
      byte[] unknown = new byte[8];
      unknown[0] = (byte) record.type();
      return RecordWriter.record(FastCgiRecord.UNKNOWN_TYPE, 0, unknown);
    }
    Map<String, String> known = Map.of("FCGI_MAX_CONNS", Integer.toString(maxConnections),
        "FCGI_MAX_REQS", Integer.toString(maxConnections), "FCGI_MPXS_CONNS", "0");
    Map<String, String> answer = new LinkedHashMap<>();
    for (String name : NameValuePairs.decode(record.content()).keySet()) {
      if (known.containsKey(name)) {
        answer.put(name, known.get(name));
      }
    }
    // At most the three names above: the answer always fits one record.
    return RecordWriter.record(FastCgiRecord.GET_VALUES_RESULT, 0, NameValuePairs.encode(answer));
  }
}
