package io.ftgo.edge.composition;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The type and range of a request parameter (a path variable or a query parameter),
 * written as a short spec in YAML or the DSL. A value that does not fit is refused before
 * anything is called.
 *
 * <table>
 * <caption>Specs</caption>
 * <tr>
 * <th>spec</th>
 * <th>accepts</th>
 * </tr>
 * <tr>
 * <td>{@code id}</td>
 * <td>a positive integer id: decimal digits, no sign, no leading zero,
 * 1..9007199254740991 (2^53-1, exact in every JSON parser)</td>
 * </tr>
 * <tr>
 * <td>{@code integer(0..1000)}</td>
 * <td>a decimal integer in the range (a {@code -} only when the range allows negatives;
 * no {@code +}, exponent, hex or leading zero)</td>
 * </tr>
 * <tr>
 * <td>{@code enum(APPROVED|CANCELLED)}</td>
 * <td>one of the names (ASCII case ignored)</td>
 * </tr>
 * <tr>
 * <td>{@code pattern([a-z0-9-]{1,32})}</td>
 * <td>a whole-value match of the regular expression, at most {@value #MAX_LENGTH}
 * characters</td>
 * </tr>
 * <tr>
 * <td>{@code token} (the type of an undeclared parameter)</td>
 * <td>1..64 of {@code A-Z a-z 0-9 _ -}</td>
 * </tr>
 * </table>
 */
public final class ParameterType {

	/** The longest value any type accepts. */
	public static final int MAX_LENGTH = 256;

	/** The largest {@code id}: 2^53-1, exact in every JSON number implementation. */
	public static final long MAX_ID = 9_007_199_254_740_991L;

	/** The type of a parameter declared without one. */
	public static final ParameterType TOKEN = new ParameterType("token", Kind.PATTERN, 0, 0, List.of(),
			Pattern.compile("[A-Za-z0-9_-]{1,64}"), "1 to 64 letters, digits, '_' or '-'");

	private static final Pattern INTEGER_SPEC = Pattern.compile("integer\\((-?\\d{1,19})\\.\\.(-?\\d{1,19})\\)");

	private static final Pattern ENUM_SPEC = Pattern.compile("enum\\(([A-Za-z0-9_-]+(?:\\|[A-Za-z0-9_-]+)*)\\)");

	private static final Pattern PATTERN_SPEC = Pattern.compile("pattern\\((.+)\\)");

	private static final Pattern DIGITS = Pattern.compile("-?(0|[1-9][0-9]{0,18})");

	private enum Kind {

		INTEGER, ENUM, PATTERN

	}

	private final String spec;

	private final Kind kind;

	private final long min;

	private final long max;

	private final List<String> names;

	private final Pattern pattern;

	private final String expectation;

	private ParameterType(String spec, Kind kind, long min, long max, List<String> names, Pattern pattern,
			String expectation) {
		this.spec = spec;
		this.kind = kind;
		this.min = min;
		this.max = max;
		this.names = names;
		this.pattern = pattern;
		this.expectation = expectation;
	}

	/**
	 * Parses a spec.
	 * @param key the configuration key, for the message
	 * @param spec e.g. {@code id}, {@code integer(1..100)}, {@code enum(A|B)},
	 * {@code pattern([a-z]{1,8})}
	 * @return the type
	 * @throws IllegalArgumentException naming the key, the spec and what is expected
	 */
	public static ParameterType parse(String key, String spec) {
		String s = (spec != null) ? spec.trim() : "";
		if (s.equals("id")) {
			return new ParameterType("id", Kind.INTEGER, 1, MAX_ID, List.of(), null,
					"a positive integer id (1.." + MAX_ID + ", digits only)");
		}
		if (s.equals("token")) {
			return TOKEN;
		}
		Matcher m = INTEGER_SPEC.matcher(s);
		if (m.matches()) {
			long min;
			long max;
			try {
				min = Long.parseLong(m.group(1));
				max = Long.parseLong(m.group(2));
			}
			catch (NumberFormatException ex) {
				throw invalid(key, spec);
			}
			if (min > max) {
				throw new IllegalArgumentException(
						key + ": " + spec + " (expected: min <= max, e.g. integer(0..1000))");
			}
			return new ParameterType(s, Kind.INTEGER, min, max, List.of(), null,
					"an integer between " + min + " and " + max);
		}
		m = ENUM_SPEC.matcher(s);
		if (m.matches()) {
			List<String> names = Arrays.asList(m.group(1).split("\\|"));
			return new ParameterType(s, Kind.ENUM, 0, 0, List.copyOf(names), null, "one of " + names);
		}
		m = PATTERN_SPEC.matcher(s);
		if (m.matches()) {
			try {
				Pattern pattern = Pattern.compile(m.group(1));
				return new ParameterType(s, Kind.PATTERN, 0, 0, List.of(), pattern,
						"text matching " + m.group(1) + " (at most " + MAX_LENGTH + " characters)");
			}
			catch (PatternSyntaxException ex) {
				throw new IllegalArgumentException(
						key + ": " + spec + " (expected: a valid regular expression inside pattern(...))");
			}
		}
		throw invalid(key, spec);
	}

	private static IllegalArgumentException invalid(String key, String spec) {
		return new IllegalArgumentException(
				key + ": " + spec + " (expected: id, integer(min..max), enum(A|B|...), pattern(<regex>) or token)");
	}

	/**
	 * Whether {@code value} fits.
	 * @param value the decoded value
	 * @return true when it fits
	 */
	public boolean accepts(String value) {
		if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
			return false;
		}
		return switch (this.kind) {
			case INTEGER -> acceptsInteger(value);
			case ENUM -> this.names.stream().anyMatch(value::equalsIgnoreCase);
			case PATTERN -> this.pattern.matcher(value).matches();
		};
	}

	private boolean acceptsInteger(String value) {
		if (!DIGITS.matcher(value).matches() || value.equals("-0")) {
			return false;
		}
		try {
			long number = Long.parseLong(value);
			return number >= this.min && number <= this.max;
		}
		catch (NumberFormatException overflow) {
			return false;
		}
	}

	/**
	 * What a value must look like, for messages: safe to show a client.
	 * @return e.g. {@code an integer between 0 and 1000}
	 */
	public String expectation() {
		return this.expectation;
	}

	/**
	 * The spec as written.
	 * @return e.g. {@code integer(0..1000)}
	 */
	public String spec() {
		return this.spec;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ParameterType type && type.spec.equals(this.spec);
	}

	@Override
	public int hashCode() {
		return this.spec.hashCode();
	}

	@Override
	public String toString() {
		return this.spec;
	}

}
