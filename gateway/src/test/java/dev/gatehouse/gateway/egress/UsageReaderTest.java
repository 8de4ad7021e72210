package dev.gatehouse.gateway.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class UsageReaderTest {

  static UsageReader read(String contentType, String... chunks) {
    UsageReader reader = new UsageReader(contentType);
    for (String chunk : chunks) {
      reader.feed(Buffer.buffer(chunk));
    }
    reader.end();
    return reader;
  }

  @Test
  void a_chat_completion_stream_settles_on_its_final_usage_chunk_even_split_across_reads() {
    UsageReader reader = read("text/event-stream",
        "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}],\"usage\":null}\n\n",
        "data: {\"choices\":[],\"usage\":{\"prompt_tok", "ens\":12,\"completion_tokens\":34}}\n\ndata: [DONE]\n\n");
    assertTrue(reader.reported());
    assertEquals(12, reader.tokensIn());
    assertEquals(34, reader.tokensOut());
  }

  @Test
  void an_anthropic_stream_takes_input_from_message_start_and_output_from_the_last_message_delta() {
    UsageReader reader = read("text/event-stream; charset=utf-8",
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":25,"
            + "\"cache_read_input_tokens\":5,\"output_tokens\":1}}}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":7}}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":15}}\n\n");
    assertEquals(30, reader.tokensIn());
    assertEquals(15, reader.tokensOut());
  }

  @Test
  void a_responses_stream_reads_the_usage_of_response_completed() {
    UsageReader reader = read("text/event-stream",
        "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"usage\":"
            + "{\"input_tokens\":3,\"output_tokens\":4}}}\n\n");
    assertEquals(3, reader.tokensIn());
    assertEquals(4, reader.tokensOut());
  }

  @Test
  void a_json_answer_is_read_when_it_is_complete() {
    UsageReader reader = read("application/json", "{\"object\":\"list\",\"usage\":{\"prompt_",
        "tokens\":5,\"total_tokens\":5}}");
    assertEquals(5, reader.tokensIn());
    assertEquals(0, reader.tokensOut());
  }

  @Test
  void an_answer_without_usage_reports_none() {
    assertFalse(read("application/json", "{\"error\":{\"message\":\"no\"}}").reported());
    assertFalse(read("text/event-stream", "data: {\"choices\":[]}\n\n").reported());
  }
}
