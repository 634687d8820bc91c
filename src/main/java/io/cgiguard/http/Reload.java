package io.cgiguard.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reload did: applied the new configuration (perhaps with keys that only a restart can
 * apply), or refused it and kept the running one. The admin endpoint answers it as JSON.
 */
public sealed interface Reload {

  /** The content type of {@link #json()}. */
  String CONTENT_TYPE = "application/json";

  /** @return 200 when applied, 422 when the configuration was refused, 503 while stopping */
  int httpStatus();

  /** @return {@code {"reloaded":…,"restart-needed":[…]}} or {@code {"reloaded":false,"problems":[…]}} */
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
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("reloaded", true);
      body.put("source", source);
      body.put("restart-needed", restartNeeded);
      return write(body);
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
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("reloaded", false);
      body.put("problems", problems);
      return write(body);
    }
  }

  private static String write(Map<String, Object> body) {
    try {
      return new ObjectMapper().writeValueAsString(body) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings did not serialise", e);
    }
  }
}
