package io.atlasj.marketdata.imports;

import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneOffsetTransitionRule;
import java.time.zone.ZoneRules;
import java.time.zone.ZoneRulesProvider;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The zones of {@code --time-zone}: offsets and the regions Java knows, and {@code new-york-close}, the server time
 * of most forex brokers' MetaTrader servers: New York time plus seven hours, so that the trading day ends at 17:00 New
 * York, midnight on the server, all year (UTC+2, and UTC+3 while New York keeps summer time, switching on the US
 * dates, not the European ones). No region of the tz database is that zone (Europe/Athens switches on the European
 * dates, a few weeks later in March and earlier in the autumn), so Atlas derives its rules from America/New_York's.
 */
public final class Zones {
    /** The zone id of {@code new-york-close} as Java sees it (a region Atlas registers). */
    public static final String NEW_YORK_CLOSE_ID = "Atlas/New_York_Close";
    /** The name users write. */
    public static final String NEW_YORK_CLOSE = "new-york-close";
    private static final int SHIFT = 7 * 3600;

    private Zones() {
    }

    /**
     * The zone named by {@code text}: an offset ({@code -05:00}), a region ({@code Europe/London}, {@code UTC}) or
     * {@code new-york-close}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static ZoneId of(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase(NEW_YORK_CLOSE) || t.equals(NEW_YORK_CLOSE_ID)) {
            return newYorkClose();
        }
        try {
            return ZoneId.of(t);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("--time-zone '" + text + "' is not a zone: write an offset (-05:00, "
                    + "+02:00), a region (Europe/Athens, America/New_York, UTC) or new-york-close (a forex broker's "
                    + "server time: UTC+2, UTC+3 while New York keeps summer time)");
        }
    }

    /** The {@code new-york-close} zone, its rules registered with Java on first use. */
    public static synchronized ZoneId newYorkClose() {
        if (!ZoneRulesProvider.getAvailableZoneIds().contains(NEW_YORK_CLOSE_ID)) {
            ZoneRulesProvider.registerProvider(new NewYorkClose());
        }
        return ZoneId.of(NEW_YORK_CLOSE_ID);
    }

    private static ZoneOffset shifted(ZoneOffset o) {
        return ZoneOffset.ofTotalSeconds(o.getTotalSeconds() + SHIFT);
    }

    /** America/New_York's rules, every offset seven hours later: the same instants of change. */
    static ZoneRules newYorkCloseRules() {
        ZoneRules ny = ZoneId.of("America/New_York").getRules();
        List<ZoneOffsetTransition> transitions = ny.getTransitions().stream()
                .map(t -> ZoneOffsetTransition.of(t.getDateTimeBefore().plusSeconds(SHIFT), shifted(t.getOffsetBefore()),
                        shifted(t.getOffsetAfter())))
                .toList();
        List<ZoneOffsetTransitionRule> rules = ny.getTransitionRules().stream().map(r -> {
            if (r.getTimeDefinition() == ZoneOffsetTransitionRule.TimeDefinition.UTC || r.isMidnightEndOfDay()
                    || r.getLocalTime().toSecondOfDay() + SHIFT >= 86_400) {
                throw new IllegalStateException("America/New_York's rule " + r + " is not of the form Atlas shifts");
            }
            return ZoneOffsetTransitionRule.of(r.getMonth(), r.getDayOfMonthIndicator(), r.getDayOfWeek(),
                    LocalTime.ofSecondOfDay(r.getLocalTime().toSecondOfDay() + SHIFT), false, r.getTimeDefinition(),
                    shifted(r.getStandardOffset()), shifted(r.getOffsetBefore()), shifted(r.getOffsetAfter()));
        }).toList();
        ZoneOffset first = transitions.isEmpty() ? shifted(ny.getStandardOffset(java.time.Instant.EPOCH))
                : transitions.get(0).getOffsetBefore();
        // the standard offset is UTC+2 throughout (New York's EST, shifted), so that summer time reads as daylight saving
        return ZoneRules.of(shifted(ZoneOffset.ofHours(-5)), first, List.of(), transitions, rules);
    }

    private static final class NewYorkClose extends ZoneRulesProvider {
        @Override
        protected Set<String> provideZoneIds() {
            return Set.of(NEW_YORK_CLOSE_ID);
        }

        @Override
        protected ZoneRules provideRules(String zoneId, boolean forCaching) {
            return newYorkCloseRules();
        }

        @Override
        protected NavigableMap<String, ZoneRules> provideVersions(String zoneId) {
            return new TreeMap<>(java.util.Map.of("1", newYorkCloseRules()));
        }
    }
}
