package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

class ResponseHeadLimitTest {

  @Test
  void theBufferHoldsTheWorstBlockTheLimitAdmits() {
    int max = 4096;
    // The worst case for expansion: shortest lines, "N:\n" (3 bytes) each becoming "N: \r\n".
    HttpFields.Mutable fields = HttpFields.build();
    for (int i = 0; i < max / 3; i++) {
      fields.add(Character.toString('a' + i % 26), "");
    }
    fields.put(GatewayPages.REQUEST_ID, "x".repeat(64));
    fields.put(GatewayPages.ATTEMPTS, "3");

    assertThat(ResponseHeadLimit.check(fields, ResponseHeadLimit.bufferBytes(max))).isEmpty();
  }

  @Test
  void aHeadLargerThanTheBufferIsNamedBeforeAnythingIsSent() {
    HttpFields.Mutable fields = HttpFields.build().put("X-Big", "v".repeat(20_000));

    assertThat(ResponseHeadLimit.check(fields, ResponseHeadLimit.bufferBytes(4096)))
        .hasValueSatisfying(reason -> assertThat(reason).contains("20009 bytes"));
  }
}
