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
            "timestamp_utc", "time_utc", "datetime_utc", "date_utc", "open time", "unix", "unix_time");

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
            found.add(aliases.get(n.trim().toLowerCase(Locale.ROOT)));
        }
        return found.containsAll(List.of(meanings));
    }

    /**
     * Canonical name to column index.
     *
     * @throws ImportException naming what is missing, the unrecognised names and how to name the columns
     */
    Map<String, Integer> map(Path file, List<String> names, String where) {
        Map<String, Integer> map = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).trim().toLowerCase(Locale.ROOT);
            String canonical = aliases.get(name);
            if (canonical == null) {
                unknown.add(name);
            } else if (!"_".equals(canonical)) {
                map.put(canonical, i);
            }
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
}
