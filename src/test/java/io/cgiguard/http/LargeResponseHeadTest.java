package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A script's header block larger than Jetty's default 8 KiB response header buffer, but within
 * {@code limits.max-header-bytes}, reaches the client byte for byte.
 */
class LargeResponseHeadTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void twoHundredHeadersOfTwentyFourKibibytesAreRelayedByteExact() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      String response = gateway.raw("GET /responses/two-hundred-headers.sh HTTP/1.1\r\n"
          + "Host: x\r\nConnection: close\r\n\r\n", Duration.ofSeconds(30));

      int end = response.indexOf("\r\n\r\n");
      assertThat(end).as(response).isPositive();
      List<String> lines = Arrays.asList(response.substring(0, end).split("\r\n"));
      assertThat(lines.get(0)).isEqualTo("HTTP/1.1 200 OK");
      List<String> fillers = lines.stream().filter(l -> l.startsWith("X-Filler-")).toList();
      assertThat(fillers).containsExactlyElementsOf(expectedFillers());
      assertThat(String.join("\r\n", fillers).length()).isGreaterThan(23 * 1024);
      assertThat(response.substring(end + 4)).isEqualTo("body after 200 headers\n");
    }
  }

  /** What the script prints: {@code X-Filler-NNN: v…v-NNN}, 100 v's, for NNN from 000 to 199. */
  private static List<String> expectedFillers() {
    List<String> expected = new ArrayList<>();
    String v = "v".repeat(100);
    for (int i = 0; i < 200; i++) {
      expected.add(String.format("X-Filler-%03d: %s-%03d", i, v, i));
    }
    return expected;
  }
}
