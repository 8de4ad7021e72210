package dev.gatehouse.gateway.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class CallRequestTest {

  static CallRequest parse(ModelApi api, JsonObject body) {
    return CallRequest.parse(api, body.toBuffer(), 4096).orElseThrow();
  }

  @Test
  void the_worst_case_is_the_calls_own_output_limit_plus_a_quarter_of_its_bytes() {
    JsonObject body = new JsonObject().put("model", "m").put("max_completion_tokens", 100).put("max_tokens", 7);
    CallRequest call = parse(ModelApi.OPENAI_CHAT_COMPLETIONS, body);
    assertEquals(100, call.maxOutput());
    assertEquals((body.toBuffer().length() + 3) / 4, call.inputEstimate());
    assertEquals(64, parse(ModelApi.OPENAI_RESPONSES, new JsonObject().put("model", "m").put("max_output_tokens", 64))
        .maxOutput());
    assertEquals(4096, parse(ModelApi.ANTHROPIC_MESSAGES, new JsonObject().put("model", "m")).maxOutput(),
        "without a limit of its own a call reserves the configured default");
    assertEquals(0, parse(ModelApi.OPENAI_EMBEDDINGS, new JsonObject().put("model", "m")).maxOutput());
  }

  @Test
  void a_streamed_chat_completion_asks_for_usage_unless_it_set_stream_options() {
    CallRequest streamed = parse(ModelApi.OPENAI_CHAT_COMPLETIONS, new JsonObject().put("model", "m").put("stream", true));
    assertEquals(true, streamed.body().toJsonObject().getJsonObject("stream_options").getBoolean("include_usage"));
    JsonObject own = new JsonObject().put("model", "m").put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", false));
    assertEquals(own, parse(ModelApi.OPENAI_CHAT_COMPLETIONS, own).body().toJsonObject());
  }

  @Test
  void a_body_without_a_model_or_with_an_invalid_limit_is_refused() {
    for (String body : new String[] {"[]", "not json", "{}", "{\"model\":5}", "{\"model\":\"m\",\"max_tokens\":0}",
        "{\"model\":\"m\",\"max_tokens\":\"9\"}", "{\"model\":\"m\",\"stream\":\"yes\"}"}) {
      assertTrue(CallRequest.parse(ModelApi.ANTHROPIC_MESSAGES, Buffer.buffer(body), 10).isEmpty(), body);
    }
  }
}
