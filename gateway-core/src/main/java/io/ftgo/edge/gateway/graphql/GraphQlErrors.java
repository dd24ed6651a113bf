package io.ftgo.edge.gateway.graphql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts graphql-java's validation, coercion and serialization errors in the edge's words
 * before they leave the process.
 *
 * <p>
 * The edge checks argument literals and variable values itself ({@link InputCheck}), so
 * the graphql-java messages that name Java or AST classes are not reached for them; this
 * is the net behind that check, for every graphql-java message whose arguments can be a
 * class name (from its message bundles and its hard-coded texts):
 * <ul>
 * <li>scalar coercion ({@code Scalars.*}: "... but it was a 'LinkedHashMap'", "Expected
 * an AST type of ...", "Expected a Number input ...", "Expected type 'ID' but was
 * ...");</li>
 * <li>literal validation ({@code ArgumentValidationUtil.*}: "argument 'x' with value
 * 'StringValue{value='a'}' ...") and bad variable defaults ("Bad default value
 * 'ObjectValue{...}' ...");</li>
 * <li>input objects given a non-object ("Expected type 'Map' but was 'String'. Variables
 * for input objects must be an instance of type 'Map'.");</li>
 * <li>duplicate directives ("... used on a 'Field' is not unique");</li>
 * <li>output serialization ("Can't serialize value (/order/orderId) : ...").</li>
 * </ul>
 * Every validation message also loses graphql-java's prefix
 * ({@code Validation error (FieldUndefined@[order/foo]) : }): the location and path are
 * already in the error.
 */
final class GraphQlErrors {

	private static final Pattern PREFIX = Pattern.compile("^Validation [Ee]rror \\([^)]*\\) ?: ?");

	/** The graphql-java texts whose arguments can be Java or AST class names. */
	private static final List<Pattern> CLASS_BEARING = List.of(Pattern.compile("but it was an? '"),
			Pattern.compile("Expected an AST type"), Pattern.compile("Expected an? [A-Za-z]+ input"),
			Pattern.compile("Expected type '[^']*' but was"), Pattern.compile("must be an instance of type"),
			Pattern.compile("with value '"), Pattern.compile("Bad default value"), Pattern.compile("is not unique"),
			Pattern.compile("Can't serialize value"), Pattern.compile("[A-Za-z]+(Value|Field)\\{"),
			Pattern.compile("\\bjava\\.[a-z]"), Pattern.compile("Exception\\b"));

	private static final Pattern ARGUMENT = Pattern.compile("argument '([^']*)'");

	private static final Pattern NOT_VALID = Pattern.compile("is not a valid '([^']*)'");

	private static final Pattern VARIABLE = Pattern.compile("Variable '([^']*)'");

	private static final Pattern DIRECTIVE = Pattern.compile("directive '([^']*)'");

	private GraphQlErrors() {
	}

	/**
	 * The errors of an answer, rewritten where graphql-java's words would leave.
	 * @param errors the {@code errors} of the answer
	 * @return the same errors, rewritten
	 */
	@SuppressWarnings("unchecked")
	static List<Object> rewrite(List<?> errors) {
		List<Object> out = new ArrayList<>(errors.size());
		for (Object error : errors) {
			out.add((error instanceof Map<?, ?> map) ? rewrite((Map<String, Object>) map) : error);
		}
		return out;
	}

	static Map<String, Object> rewrite(Map<String, Object> error) {
		if (!(error.get("message") instanceof String message)) {
			return error;
		}
		String rewritten = message(message);
		if (rewritten.equals(message)) {
			return error;
		}
		Map<String, Object> copy = new LinkedHashMap<>(error);
		copy.put("message", rewritten);
		return copy;
	}

	/**
	 * A message in the edge's words.
	 * @param message graphql-java's message
	 * @return the edge's
	 */
	static String message(String message) {
		String text = PREFIX.matcher(message).replaceFirst("");
		if (CLASS_BEARING.stream().noneMatch((pattern) -> pattern.matcher(text).find())) {
			return text;
		}
		if (text.startsWith("Can't serialize value")) {
			return "A provider's value does not fit this field's type";
		}
		if (text.contains("is not unique")) {
			Matcher directive = DIRECTIVE.matcher(text);
			return directive.find() ? "The directive '" + directive.group(1) + "' appears more than once here"
					: "A directive appears more than once here";
		}
		if (text.startsWith("Bad default value")) {
			return "A variable's default value does not fit its type";
		}
		Matcher argument = ARGUMENT.matcher(text);
		if (argument.find()) {
			Matcher expected = NOT_VALID.matcher(text);
			return "Argument '" + argument.group(1) + "' "
					+ (expected.find() ? "expects " + expected.group(1) + ", got a value that is not one"
							: "has a value that does not fit its type");
		}
		Matcher variable = VARIABLE.matcher(text);
		if (variable.find()) {
			return "Variable '$" + variable.group(1) + "' has a value that does not fit its type";
		}
		return "A value in the request does not fit its type";
	}

}
