package io.atlasj.marketdata.imports;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which column of a CSV holds what: header names (or {@code --columns}) read through a format's table of synonyms to
 * its canonical names, {@code _} skipping a column. One way for every CSV format that names its columns.
 *
 * @param aliases  lower-case header name to canonical name ({@code "_"} to skip)
 * @param required canonical names a file must have
 * @param example  a {@code --columns} value for the hint, e.g. {@code time,open,high,low,close,volume}
 * @param optional what may be left out, said in the hint (e.g. "volume may be left out")
 */
record CsvColumns(Map<String, String> aliases, List<String> required, String example, String optional) {
    /** Header names of a time column, as exchanges and pandas write them. */
    private static final List<String> TIME_NAMES = List.of("time", "timestamp", "date", "datetime", "open_time", "start",
            "timestamp_utc", "time_utc", "datetime_utc", "date_utc", "open time", "unix", "unix_time", "gmt time");

    /** The canonical name of a second time column: a file's time of day beside its date, or the same time again. */
    static final String TIME2 = "time.2";

    /** A format's columns: its own names, plus every name of a time column and {@code _} (skip). */
    static CsvColumns of(Map<String, String> names, List<String> required, String example, String optional) {
        Map<String, String> all = new HashMap<>(names);
        TIME_NAMES.forEach(n -> all.put(n, "time"));
        all.put("_", "_");
        return new CsvColumns(Map.copyOf(all), required, example, optional);
    }

    /** Whether columns named {@code names} include every one of the canonical {@code meanings}. */
    boolean names(List<String> names, String... meanings) {
        java.util.Set<String> found = new java.util.HashSet<>();
        for (String n : names) {
            found.add(aliases.get(normal(n)));
        }
        return found.containsAll(List.of(meanings));
    }

    /** A column name as looked up: trimmed, lower case, without MetaTrader's angle brackets ({@code <DATE>}). */
    static String normal(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.length() > 2 && n.startsWith("<") && n.endsWith(">") ? n.substring(1, n.length() - 1) : n;
    }

    /** As {@link #map(Path, List, String, String)} without a symbol. */
    Map<String, Integer> map(Path file, List<String> names, String where) {
        return map(file, names, where, null);
    }

    /**
     * Canonical name to column index. A second time column is {@link #TIME2} (a date and a time of day, or the same
     * time written twice, see {@link TimeColumns}); a third, or any other name twice, is refused. Volumes named by
     * their currency, as CryptoDataDownload writes them ({@code Volume ETH}, {@code Volume USD}), are the volume and
     * the quote volume when the {@code symbol} names that currency as its base or quote, else passed over.
     *
     * @throws ImportException naming what is missing, the unrecognised names and how to name the columns
     */
    Map<String, Integer> map(Path file, List<String> names, String where, String symbol) {
        Map<String, Integer> map = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        List<Integer> currencyVolumes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = normal(names.get(i));
            String canonical = aliases.get(name);
            if (canonical == null && aliases.containsValue("volume") && name.matches("volume[ _][a-z0-9]{2,10}")) {
                currencyVolumes.add(i);
            } else if (canonical == null) {
                unknown.add(name);
            } else if ("time".equals(canonical) && map.containsKey("time")) {
                if (map.containsKey(TIME2)) {
                    throw new ImportException(file, where + " names three time columns (" + (map.get("time") + 1)
                            + ", " + (map.get(TIME2) + 1) + " and " + (i + 1) + "); write _ for all but one or two "
                            + "of them with --columns, e.g. --columns " + example);
                }
                map.put(TIME2, i);
            } else if (!"_".equals(canonical)) {
                Integer before = map.put(canonical, i);
                if (before != null) {
                    throw new ImportException(file, where + " names " + canonical + " twice (columns " + (before + 1)
                            + " and " + (i + 1) + "); write _ for the one to skip with --columns, e.g. --columns "
                            + example);
                }
            }
        }
        if (!currencyVolumes.isEmpty()) {
            currencyVolumes(file, names, where, symbol, currencyVolumes, map);
        }
        List<String> missing = required.stream().filter(r -> !map.containsKey(r)).toList();
        if (!missing.isEmpty()) {
            throw new ImportException(file, where + " lacks column(s) " + missing
                    + (unknown.isEmpty() ? "" : " (unrecognised: " + unknown + ")")
                    + "; name the columns in file order with --columns, e.g. --columns " + example
                    + " (use _ for a column to skip; " + optional + ")");
        }
        return map;
    }

    /**
     * Volumes named by a currency ({@code Volume ETH}) are the volume when the symbol starts with that currency and
     * the quote volume when it ends with it; one the symbol does not name is passed over like any unknown column
     * (never guessed from the order), and so is one whose meaning another column already has by name.
     */
    private static void currencyVolumes(Path file, List<String> names, String where, String symbol,
                                        List<Integer> at, Map<String, Integer> map) {
        String sym = symbol == null ? "" : symbol.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        for (int i : at) {
            String currency = normal(names.get(i)).substring(7);
            String meaning = sym.startsWith(currency) ? "volume" : sym.endsWith(currency) ? "quote_volume" : null;
            if (meaning != null && !map.containsKey(meaning)) {
                map.put(meaning, i);
            }
        }
    }
}
