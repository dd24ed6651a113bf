package io.ftgo.edge.composition.grpc;

import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;

import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON &harr; protobuf for the gRPC transport: protobuf's {@code JsonFormat} (JSON names;
 * a scalar at its default, such as an empty string, left out as a REST answer leaves out
 * what it does not have; an empty list or map written {@code []} / {@code {}}), plus a
 * rewrite of 64-bit integers, which {@code JsonFormat} prints as strings, back to JSON
 * numbers: ids look exactly as in the REST answers. An unset {@code optional} scalar is
 * written {@code null}, as the REST answers write it.
 */
public final class ProtoJson {

	private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

	private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

	private final JsonMapper mapper;

	/**
	 * Create the mapping.
	 * @param mapper reads and writes JSON trees
	 */
	public ProtoJson(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * A message as a JSON tree, 64-bit integers as numbers.
	 * @param message the message
	 * @return the tree
	 */
	public JsonNode toJson(Message message) {
		String text;
		try {
			text = PRINTER.print(message);
		}
		catch (InvalidProtocolBufferException ex) {
			throw new IllegalStateException("unprintable message", ex);
		}
		JsonNode tree = this.mapper.readTree(text);
		if (tree instanceof ObjectNode object) {
			numbers(message.getDescriptorForType(), object);
		}
		return tree;
	}

	/**
	 * A request message from a JSON body and bound fields; a bound field overrides the
	 * body's (dots nest into sub-messages). Text values are accepted for numbers, as
	 * {@code JsonFormat} does.
	 * @param builder the message builder
	 * @param body the JSON body, or {@code null}
	 * @param fields bound fields, as text
	 * @return the message
	 * @throws InvalidProtocolBufferException when a value does not fit its field
	 */
	public Message toMessage(Message.Builder builder, JsonNode body, Map<String, String> fields)
			throws InvalidProtocolBufferException {
		ObjectNode json = (body instanceof ObjectNode object) ? object.deepCopy()
				: JsonNodeFactory.instance.objectNode();
		for (Map.Entry<String, String> field : fields.entrySet()) {
			String[] path = field.getKey().split("\\.");
			ObjectNode target = json;
			for (int i = 0; i < path.length - 1; i++) {
				JsonNode next = target.get(path[i]);
				target = (next instanceof ObjectNode object) ? object : target.putObject(path[i]);
			}
			target.put(path[path.length - 1], field.getValue());
		}
		PARSER.merge(this.mapper.writeValueAsString(json), builder);
		return builder.build();
	}

	private static void numbers(Descriptors.Descriptor type, ObjectNode object) {
		for (Descriptors.FieldDescriptor field : type.getFields()) {
			JsonNode value = object.get(field.getJsonName());
			if (value == null && field.isMapField()) {
				object.putObject(field.getJsonName());
				continue;
			}
			if (value == null && field.isRepeated()) {
				// An empty list is [], as the REST answers write it (JsonFormat omits
				// it).
				object.putArray(field.getJsonName());
				continue;
			}
			if (value == null && field.hasPresence() && !field.isRepeated()
					&& field.getJavaType() != Descriptors.FieldDescriptor.JavaType.MESSAGE
					&& field.getRealContainingOneof() == null) {
				// An unset optional scalar is the REST answer's null (e.g. startKey).
				object.putNull(field.getJsonName());
				continue;
			}
			if (value == null || value.isNull()) {
				continue;
			}
			if (field.isMapField()) {
				Descriptors.FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
				if (value instanceof ObjectNode entries) {
					Iterator<Map.Entry<String, JsonNode>> it = entries.properties().iterator();
					while (it.hasNext()) {
						Map.Entry<String, JsonNode> entry = it.next();
						entries.set(entry.getKey(), convert(valueField, entry.getValue()));
					}
				}
			}
			else if (value instanceof ArrayNode array) {
				for (int i = 0; i < array.size(); i++) {
					array.set(i, convert(field, array.get(i)));
				}
			}
			else {
				object.set(field.getJsonName(), convert(field, value));
			}
		}
	}

	private static JsonNode convert(Descriptors.FieldDescriptor field, JsonNode value) {
		switch (field.getJavaType()) {
			case LONG -> {
				if (value.isString()) {
					// The node a JSON parser makes of the same digits (int, long or big).
					BigInteger number = new BigInteger(value.asString());
					if (number.bitLength() < 32) {
						return JsonNodeFactory.instance.numberNode(number.intValue());
					}
					return (number.bitLength() < 64) ? JsonNodeFactory.instance.numberNode(number.longValue())
							: JsonNodeFactory.instance.numberNode(number);
				}
				return value;
			}
			case MESSAGE -> {
				if (value instanceof ObjectNode nested) {
					numbers(field.getMessageType(), nested);
				}
				return value;
			}
			default -> {
				return value;
			}
		}
	}

}
