/**
 * The FastCGI responder protocol (FastCGI specification 1.0), bounded and free of any server:
 * {@link io.cgiguard.fastcgi.RecordReader} cuts a connection's bytes into records,
 * {@link io.cgiguard.fastcgi.ResponderSession} turns records into the events of one request at a
 * time (begin, params, stdin, abort) and answers management records itself, and
 * {@link io.cgiguard.fastcgi.RecordWriter} frames a response as STDOUT and END_REQUEST records.
 *
 * <p>Input: bytes from a front server such as nginx. Output: events the {@code http} package
 * turns into an ordinary request for the gateway, so that a FastCGI request runs through the same
 * filter, planning, attempt loop and relay as an HTTP one.
 */
package io.cgiguard.fastcgi;
