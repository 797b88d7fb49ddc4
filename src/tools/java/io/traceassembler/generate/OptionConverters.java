package io.traceassembler.generate;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Picocli converters of the tools' numeric options. A rejected value is reported by picocli as
 * {@code Invalid value for option '--flag': <reason>: <value>}, and the command exits with code 2.
 */
public final class OptionConverters {
    private OptionConverters() {}

    /** A fraction within [0, 1]. */
    public static final class Ratio implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double ratio = parseDouble(value);
            if (!(ratio >= 0.0 && ratio <= 1.0)) {
                throw new TypeConversionException("must be within [0, 1]: " + value);
            }
            return ratio;
        }
    }

    /** A number greater than zero. */
    public static final class PositiveDouble implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double number = parseDouble(value);
            if (!(number > 0)) {
                throw new TypeConversionException("must be positive: " + value);
            }
            return number;
        }
    }

    /** A count, zero allowed; underscores as in Java literals ({@code 1_000_000}). */
    public static final class NonNegativeLong implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long count = parseLong(value);
            if (count < 0) {
                throw new TypeConversionException("must not be negative: " + value);
            }
            return count;
        }
    }

    /** An int count, zero allowed. */
    public static final class NonNegativeInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return toInt(new NonNegativeLong().convert(value), value);
        }
    }

    /** An int count of at least one. */
    public static final class PositiveInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int count = toInt(parseLong(value), value);
            if (count < 1) {
                throw new TypeConversionException("must be at least 1: " + value);
            }
            return count;
        }
    }

    /** A start time: ISO-8601, epoch millis or {@code now}. */
    public static final class StartTime implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            if (value.equalsIgnoreCase("now")) {
                return System.currentTimeMillis();
            }
            if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(value);
            }
            try {
                return java.time.Instant.parse(value).toEpochMilli();
            } catch (RuntimeException e) {
                throw new TypeConversionException(
                        "expected ISO-8601, epoch millis or 'now': " + value);
            }
        }
    }

    /**
     * Relative weights of enum constants (not a {@link Map}: picocli would split a map option's
     * values itself).
     */
    public static final class Weights<E extends Enum<E>> {
        private final Map<E, Double> weights;

        Weights(Map<E, Double> weights) {
            this.weights = weights;
        }

        public Map<E, Double> asMap() {
            return new EnumMap<>(weights);
        }
    }

    /**
     * {@code otlp_proto=4,zipkin_json,native_span}: weight 1 when omitted; names case- and
     * dash-insensitive.
     */
    public static final class EncodingWeights implements ITypeConverter<Weights<Encoding>> {
        @Override
        public Weights<Encoding> convert(String value) {
            return weights(value, Encoding.class);
        }
    }

    /** Likewise for {@link Compression}. */
    public static final class CompressionWeights implements ITypeConverter<Weights<Compression>> {
        @Override
        public Weights<Compression> convert(String value) {
            return weights(value, Compression.class);
        }
    }

    static <E extends Enum<E>> Weights<E> weights(String list, Class<E> type) {
        String kind = type.getSimpleName().toLowerCase(Locale.ROOT);
        Map<E, Double> weights = new EnumMap<>(type);
        double total = 0;
        for (String item : list.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            String[] parts = item.split("=", 2);
            String name = parts[0].trim().toUpperCase(Locale.ROOT).replace('-', '_');
            E constant;
            try {
                constant = Enum.valueOf(type, name);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(
                        "unknown "
                                + kind
                                + " '"
                                + parts[0].trim()
                                + "' in '"
                                + list
                                + "'; expected "
                                + java.util.EnumSet.allOf(type)
                                        .toString()
                                        .toLowerCase(Locale.ROOT));
            }
            double weight = parts.length > 1 ? parseDouble(parts[1].trim()) : 1.0;
            if (!(weight >= 0)) {
                throw new TypeConversionException("negative " + kind + " weight in '" + list + "'");
            }
            weights.put(constant, weight);
            total += weight;
        }
        if (!(total > 0)) {
            throw new TypeConversionException(
                    "at least one " + kind + " needs a positive weight: '" + list + "'");
        }
        return new Weights<>(weights);
    }

    private static double parseDouble(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("not a number: " + value);
        }
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("not an integer: " + value);
        }
    }

    private static int toInt(long value, String text) {
        if (value != (int) value) {
            throw new TypeConversionException("too large: " + text);
        }
        return (int) value;
    }
}
