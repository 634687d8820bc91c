package io.cgiguard.load;

import java.time.Duration;

/** What a running load shows on its progress line; read from another thread while it runs. */
public interface LiveFigures {

  /** @return measured time so far, zero during warmup */
  Duration elapsed();

  /** @return measured requests completed so far */
  long requests();

  /** @return measured failures so far */
  long failures();
}
