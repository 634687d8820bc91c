/**
 * Steps one, two and five of a request, the two sides of RFC 3875 as pure functions: decoding the
 * raw path exactly once ({@link io.cgiguard.cgi.RequestPath}), resolving it to a script and its
 * PATH_INFO (section 3.3, 4.1.5, {@link io.cgiguard.cgi.ScriptResolver}), building the
 * meta-variables (section 4.1, {@link io.cgiguard.cgi.MetaVariables}), and parsing the script's
 * response header block (section 6, {@link io.cgiguard.cgi.HeaderBlockReader}).
 *
 * <p>Input: bytes and strings; output: values ({@link io.cgiguard.cgi.HeaderBlock},
 * {@link io.cgiguard.cgi.ResponseHead}, maps of meta-variables). This package does no I/O of its
 * own beyond inspecting the file system during resolution, knows nothing of Jetty or processes,
 * and so can be unit-tested exhaustively and fuzzed.
 */
package io.cgiguard.cgi;
