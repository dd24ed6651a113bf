package io.ftgo.edge.stubs.grpc;

import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;

/**
 * A message as JSON for the journal: the fields that are set, by their JSON names, with
 * 64-bit integers as JSON numbers (as the REST answers have them; protobuf's JsonFormat
 * would print them as strings).
 */
final class ProtoJson {

	private ProtoJson() {
	}

	static JsonObject toJson(Message message) {
		JsonObject json = new JsonObject();
		for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
			FieldDescriptor descriptor = field.getKey();
			Object value = field.getValue();
			if (descriptor.isMapField()) {
				JsonObject map = new JsonObject();
				for (Object entry : (List<?>) value) {
					MapEntry<?, ?> mapEntry = (MapEntry<?, ?>) entry;
					FieldDescriptor valueField = descriptor.getMessageType().findFieldByName("value");
					map.add(String.valueOf(mapEntry.getKey()), value(valueField, mapEntry.getValue()));
				}
				json.add(descriptor.getJsonName(), map);
			}
			else if (descriptor.isRepeated()) {
				JsonArray array = new JsonArray();
				for (Object element : (List<?>) value) {
					array.add(value(descriptor, element));
				}
				json.add(descriptor.getJsonName(), array);
			}
			else {
				json.add(descriptor.getJsonName(), value(descriptor, value));
			}
		}
		return json;
	}

	private static JsonElement value(FieldDescriptor field, Object value) {
		return switch (field.getJavaType()) {
			case MESSAGE -> toJson((Message) value);
			case ENUM -> new JsonPrimitive(((EnumValueDescriptor) value).getName());
			case BOOLEAN -> new JsonPrimitive((Boolean) value);
			case INT, LONG, FLOAT, DOUBLE -> new JsonPrimitive((Number) value);
			case BYTE_STRING ->
				new JsonPrimitive(java.util.Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
			case STRING -> new JsonPrimitive((String) value);
		};
	}

}
