package io.cgiguard.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cgiguard.text.Json;
import java.util.List;

/**
 * What a reload did: applied the new configuration (perhaps with keys that only a restart can
 * apply), or refused it and kept the running one. The admin endpoint answers it as JSON.
 */
public sealed interface Reload {

  /** The content type of {@link #json()}. */
  String CONTENT_TYPE = "application/json";

  /** @return 200 when applied, 422 when the configuration was refused, 503 while stopping */
  int httpStatus();

  /**
   * @return {@code {"reloaded": true, "source": …, "restartNeeded": […]}} or
   *     {@code {"reloaded": false, "problems": […]}}
   */
  String json();

  /**
   * New requests see the new configuration.
   *
   * @param source where it was read from, such as {@code conf/cgiguard.toml}
   * @param restartNeeded one line per changed key that keeps its running value until a restart
   */
  record Applied(String source, List<String> restartNeeded) implements Reload {
    public Applied {
      restartNeeded = List.copyOf(restartNeeded);
    }

    @Override
    public int httpStatus() {
      return 200;
    }

    @Override
    public String json() {
      ObjectNode body = Json.object().put("reloaded", true).put("source", source);
      restartNeeded.forEach(body.putArray("restartNeeded")::add);
      return Json.write(body);
    }
  }

  /**
   * The running configuration stays.
   *
   * @param problems each as {@code file:line: key: message}
   * @param stopping whether it was refused because the gateway is draining
   */
  record Refused(List<String> problems, boolean stopping) implements Reload {
    public Refused {
      problems = List.copyOf(problems);
    }

    @Override
    public int httpStatus() {
      return stopping ? 503 : 422;
    }

    @Override
    public String json() {
      ObjectNode body = Json.object().put("reloaded", false);
      problems.forEach(body.putArray("problems")::add);
      return Json.write(body);
    }
  }
}
