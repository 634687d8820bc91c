package io.cgiguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each kind carries its facts; the pages, the config check and the retry rules read them. */
class FailureKindTest {

  @ParameterizedTest
  @EnumSource(FailureKind.class)
  void everyKindHasALabelThatLeadsBackToItAndAGatewayStatus(FailureKind kind) {
    assertThat(FailureKind.fromLabel(kind.label())).isSameAs(kind);
    assertThat(kind.label()).matches("[a-z]+(-[a-z]+)*");
    assertThat(kind.status()).isIn(502, 503, 504);
    assertThat(kind.description()).endsWith(".").doesNotContain("%s");
  }

  @Test
  void onlyFailuresOfAnAttemptBeforeItsHeadersCanBeCuredByARetry() {
    Set<FailureKind> curable = Arrays.stream(FailureKind.values())
        .filter(FailureKind::retryCanCure).collect(Collectors.toSet());

    assertThat(curable).isEqualTo(EnumSet.of(FailureKind.SPAWN_FAILED,
        FailureKind.EXITED_BEFORE_HEADERS, FailureKind.KILLED_BEFORE_HEADERS,
        FailureKind.INCOMPLETE_HEADERS, FailureKind.MALFORMED_HEADERS,
        FailureKind.HEADERS_TOO_LARGE, FailureKind.HEADER_TIMEOUT));
    assertThat(FailureKind.retryCurableLabels()).containsExactly("spawn-failed",
        "exited-before-headers", "killed-before-headers", "incomplete-headers",
        "malformed-headers", "headers-too-large", "header-timeout");
  }

  @Test
  void headerFailuresAreTheScriptsAndTheBodyFailuresCannotBeAnsweredAnyMore() {
    assertThat(FailureKind.SPAWN_FAILED.headerFailure()).isFalse();
    assertThat(FailureKind.HEADER_TIMEOUT.headerFailure()).isTrue();
    assertThat(FailureKind.HEADERS_UNRELAYABLE.headerFailure()).isFalse();
    assertThat(FailureKind.HEADERS_UNRELAYABLE.beforeHeaders()).isTrue();
    assertThat(FailureKind.BODY_TRUNCATED.beforeHeaders()).isFalse();
    assertThat(FailureKind.BODY_STALLED.beforeHeaders()).isFalse();
    assertThat(FailureKind.OVERLOADED.beforeHeaders()).isTrue();
  }
}
