/**
 * Step six of a failed request: the page the client gets. {@link io.cgiguard.render.DiagnosticPage}
 * negotiates HTML, JSON or plain text and renders a {@link io.cgiguard.failure.Failure}, its
 * {@link io.cgiguard.diagnose.Diagnosis} and the attempt history from one
 * {@link io.cgiguard.render.PageContent}.
 *
 * <p>Input: values; output: a content type and bytes. Everything from a script or a request is
 * escaped through {@code text}; nothing here knows of Jetty.
 */
package io.cgiguard.render;
