/**
 * Steps one and six of a request, the Jetty side: the server's assembly, request filtering, the
 * CGI handler that runs the flow (resolve → environment → guarded attempts → relay or diagnose),
 * static files, and the admin endpoints under {@code /-/}. Requests arrive over HTTP or, from a
 * front server such as nginx, over FastCGI: the FastCGI connection turns the records that
 * {@code fastcgi} parses into a Jetty request, so both take the same path from the filter on.
 *
 * <p>Jetty types appear in this package only. Everything that can be decided without Jetty is
 * decided in {@code cgi}, {@code plan}, {@code attempt} or {@code render}; what is left here is translation between
 * Jetty's request and response and those values, and the commit point: once the first byte of a
 * script's response has gone to the client, the gateway can only abort, never answer again.
 */
package io.cgiguard.http;
