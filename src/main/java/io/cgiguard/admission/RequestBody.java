package io.cgiguard.admission;

/** Whether a request's body could be given to a second attempt of its script. */
public enum RequestBody {
  /** The request has no body; any attempt gets the same (empty) stdin. */
  NONE,
  /** The whole body is held in the replay buffer and can be written to stdin again. */
  BUFFERED,
  /** The body was streamed to the first attempt and is gone, or was larger than the buffer. */
  STREAMED
}
