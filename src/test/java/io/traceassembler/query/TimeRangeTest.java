package io.traceassembler.query;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeRangeTest {
    private static final Instant NOW = Instant.parse("2026-01-05T12:00:00Z");

    @Test
    void sinceCountsBackFromNowAndLeavesTheEndOpen() {
        TimeRange range = TimeRange.parse("1h", null, null, NOW);

        assertThat(range.fromMillis)
                .isEqualTo(Instant.parse("2026-01-05T11:00:00Z").toEpochMilli());
        assertThat(range.toMillis).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void durationsTakeShortUnitsCombinationsAndIso() {
        assertThat(TimeRange.parseDuration("30m", "--since")).isEqualTo(Duration.ofMinutes(30));
        assertThat(TimeRange.parseDuration("2d", "--since")).isEqualTo(Duration.ofDays(2));
        assertThat(TimeRange.parseDuration("1h30m", "--since")).isEqualTo(Duration.ofMinutes(90));
        assertThat(TimeRange.parseDuration("90s", "--since")).isEqualTo(Duration.ofSeconds(90));
        assertThat(TimeRange.parseDuration("500ms", "--since")).isEqualTo(Duration.ofMillis(500));
        assertThat(TimeRange.parseDuration("1 H", "--since")).isEqualTo(Duration.ofHours(1));
        assertThat(TimeRange.parseDuration("PT1H", "--since")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void badDurationsNameTheFlagTheValueAndTheForms() {
        assertThatThrownBy(() -> TimeRange.parseDuration("5x", "--since"))
                .isInstanceOf(QueryException.class)
                .hasMessage(
                        "--since '5x' is not a duration: use e.g. 30m, 1h, 2d, 1h30m (units ms, s, m, h, d) or ISO-8601 PT1H");
        assertThatThrownBy(() -> TimeRange.parseDuration("1h-", "--since"))
                .isInstanceOf(QueryException.class);
        assertThatThrownBy(() -> TimeRange.parseDuration("", "--since"))
                .isInstanceOf(QueryException.class);
        assertThatThrownBy(() -> TimeRange.parseDuration("0m", "--since"))
                .hasMessage("--since '0m' must be longer than zero");
        assertThatThrownBy(() -> TimeRange.parseDuration("PT-1H", "--since"))
                .hasMessage("--since 'PT-1H' must be longer than zero");
    }

    @Test
    void instantsAreIsoWithZoneOrOffsetOrADateInUtc() {
        assertThat(TimeRange.parseInstant("2026-01-05T10:00:00Z", "--from"))
                .isEqualTo(Instant.parse("2026-01-05T10:00:00Z"));
        assertThat(TimeRange.parseInstant("2026-01-05T12:00:00.250+02:00", "--from"))
                .isEqualTo(Instant.parse("2026-01-05T10:00:00.250Z"));
        assertThat(TimeRange.parseInstant("2026-01-05", "--to"))
                .isEqualTo(Instant.parse("2026-01-05T00:00:00Z"));
    }

    @Test
    void timesWithoutZoneOrNotTimesAreRejected() {
        assertThatThrownBy(() -> TimeRange.parseInstant("2026-01-05T10:00:00", "--from"))
                .isInstanceOf(QueryException.class)
                .hasMessage(
                        "--from '2026-01-05T10:00:00' is not an ISO-8601 time: use e.g. 2026-01-05T10:00:00Z, 2026-01-05T12:00:00+02:00 or 2026-01-05 (UTC)");
        assertThatThrownBy(() -> TimeRange.parseInstant("yesterday", "--to"))
                .hasMessageStartingWith("--to 'yesterday' is not an ISO-8601 time");
    }

    @Test
    void fromAndToBoundBothEndsInclusiveAndEitherMayBeLeftOut() {
        TimeRange window =
                TimeRange.parse(null, "2026-01-05T10:00:00Z", "2026-01-05T11:00:00Z", NOW);
        assertThat(window.fromMillis)
                .isEqualTo(Instant.parse("2026-01-05T10:00:00Z").toEpochMilli());
        assertThat(window.toMillis).isEqualTo(Instant.parse("2026-01-05T11:00:00Z").toEpochMilli());

        assertThat(TimeRange.parse(null, "2026-01-05T10:00:00Z", null, NOW).toMillis)
                .isEqualTo(Long.MAX_VALUE);
        assertThat(TimeRange.parse(null, null, "2026-01-05T10:00:00Z", NOW).fromMillis).isZero();
        assertThat(TimeRange.parse(null, null, null, NOW).isEverything()).isTrue();
    }

    @Test
    void fromAfterToAndSinceWithFromOrToAreMistakes() {
        assertThatThrownBy(
                        () ->
                                TimeRange.parse(
                                        null, "2026-01-05T11:00:00Z", "2026-01-05T10:00:00Z", NOW))
                .isInstanceOf(QueryException.class)
                .hasMessage("--from 2026-01-05T11:00:00Z is after --to 2026-01-05T10:00:00Z");
        assertThatThrownBy(() -> TimeRange.parse("1h", "2026-01-05T11:00:00Z", null, NOW))
                .hasMessageStartingWith("--since counts back from now and excludes --from/--to");
        assertThatThrownBy(() -> TimeRange.parse("1h", null, "2026-01-05T11:00:00Z", NOW))
                .isInstanceOf(QueryException.class);
    }

    @Test
    void aSinceLongerThanTheEpochStartsAtZero() {
        assertThat(TimeRange.parse("100000d", null, null, NOW).fromMillis).isZero();
    }
}
