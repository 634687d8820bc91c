package io.cgiguard.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cgiguard.attempt.Attempt;
import io.cgiguard.diagnose.Diagnosis;
import io.cgiguard.failure.Evidence;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.ScriptProcess.Signals;
import io.cgiguard.launch.Termination;
import io.cgiguard.text.Json;

/**
 * The JSON diagnostic page, for API clients and the load generator, written by the gateway's one
 * JSON writer ({@link Json}): {@code status}, {@code reason}, {@code kind} (the failure kind's
 * label), {@code requestId}, {@code message}, {@code attemptCount}, and on a detailed page the
 * {@code cause} and every attempt.
 */
final class JsonPage {

  private JsonPage() {}

  static String render(PageContent content) {
    ObjectNode page = Json.object();
    page.put("status", content.status());
    page.put("reason", content.reasonPhrase());
    page.put("kind", content.kind().label());
    page.put("requestId", content.requestId());
    page.put("message", content.kindDescription());
    page.put("attemptCount", content.attempts().size());
    if (content.headerFailure()) {
      page.put("iis", PageContent.IIS_SENTENCE);
      if (content.detailed()) {
        page.put("headersReceived", content.receivedHeaders());
      } else {
        page.put("headersReceived", (String) null);
        page.put("headersHidden", true);
      }
    }
    if (content.detailed()) {
      content.diagnosis().ifPresent(d -> diagnosis(page.putObject("cause"), d));
      ArrayNode attempts = page.putArray("attempts");
      content.attempts().forEach(a -> attempt(attempts.addObject(), a));
    }
    return Json.write(page);
  }

  private static void diagnosis(ObjectNode node, Diagnosis diagnosis) {
    node.put("id", diagnosis.cause().id());
    node.put("title", diagnosis.cause().title());
    node.put("explanation", diagnosis.cause().explanation());
    node.put("detail", diagnosis.detail());
    node.put("fix", diagnosis.cause().fix());
  }

  private static void attempt(ObjectNode node, Attempt attempt) {
    node.put("number", attempt.number());
    node.put("elapsedMillis", attempt.elapsed().toMillis());
    node.put("success", attempt.success());
    attempt.failure().ifPresent(failure -> {
      Evidence evidence = failure.evidence();
      node.put("kind", failure.kind().label());
      node.put("summary", failure.summary());
      node.put("script", evidence.scriptPath());
      ArrayNode argv = node.putArray("argv");
      evidence.argv().forEach(argv::add);
      evidence.spawnError().ifPresent(error -> {
        ObjectNode spawn = node.putObject("spawnError");
        spawn.put("errno", error.errno());
        spawn.put("name", error.errnoName());
        spawn.put("message", error.message());
      });
      evidence.termination().ifPresent(t -> termination(node.putObject("termination"), t));
      node.put("wallMillis", evidence.wallTime().toMillis());
      node.put("headerBytes", evidence.headerByteCount());
      node.put("headers", evidence.headerText());
      node.put("stderrTail", evidence.stderrText());
    });
  }

  private static void termination(ObjectNode node, Termination termination) {
    if (termination.status() instanceof ExitStatus.Signaled signaled) {
      node.put("signal", signaled.signal());
      node.put("signalName", Signals.name(signaled.signal()));
      node.put("coreDumped", signaled.coreDumped());
    } else {
      node.put("exitCode", ((ExitStatus.Exited) termination.status()).code());
    }
    termination.signalSentByGateway()
        .ifPresent(signal -> node.put("signalSentByGateway", Signals.name(signal)));
    termination.cpuTime().ifPresent(cpu -> node.put("cpuMillis", cpu.toMillis()));
    termination.peakRssBytes().ifPresent(rss -> node.put("peakRssBytes", rss));
    node.put("wallMillis", termination.wallTime().toMillis());
  }
}
