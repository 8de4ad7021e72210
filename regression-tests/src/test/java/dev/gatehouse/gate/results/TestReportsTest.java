package dev.gatehouse.gate.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatehouse.gate.register.TestId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestReportsTest {

  @TempDir
  Path dir;

  @Test
  void report_names_split_into_method_and_case_display_name() {
    assertArrayEquals(new String[] {"plain", ""}, TestCaseResult.splitName("plain"));
    assertArrayEquals(new String[] {"para", "J01 tampered payload"},
        TestCaseResult.splitName("para(String, Row) \"J01 tampered payload\""));
    assertArrayEquals(new String[] {"other", "1"}, TestCaseResult.splitName("other(int)[1] 1"));
    assertArrayEquals(new String[] {"other", ""}, TestCaseResult.splitName("other(int)[2]"));
    assertArrayEquals(new String[] {"trick", "GW-13 forwarded family"},
        TestCaseResult.splitName("trick(String, String, int, List) GW-13 forwarded family"));
  }

  @Test
  void a_case_id_names_only_the_cases_whose_display_name_starts_with_it() throws Exception {
    Path file = dir.resolve("TEST-x.xml");
    Files.writeString(file, "<testsuite><testcase classname=\"a.B\" name=\"m(String) &quot;J01 x&quot;\"/>"
        + "<testcase classname=\"a.B\" name=\"m(String) &quot;J02 y&quot;\"><failure message=\"boom\"/></testcase>"
        + "<testcase classname=\"a.B\" name=\"n\"><skipped/></testcase></testsuite>");
    TestReports reports = new TestReports(TestReports.read(file));
    assertEquals(Outcome.PASSED, reports.outcomeOf(TestId.parse("a.B#m[J01]").orElseThrow()));
    assertEquals(Outcome.FAILED, reports.outcomeOf(TestId.parse("a.B#m[J02]").orElseThrow()));
    assertEquals(Outcome.FAILED, reports.outcomeOf(TestId.parse("a.B#m").orElseThrow()));
    assertEquals(Outcome.SKIPPED, reports.outcomeOf(TestId.parse("a.B#n").orElseThrow()));
    assertEquals(Outcome.MISSING, reports.outcomeOf(TestId.parse("a.B#m[J03]").orElseThrow()));
    assertEquals(Outcome.FAILED, reports.outcomeOf(TestId.parse("a.B").orElseThrow()));
  }

  @Test
  void a_report_with_a_doctype_is_refused_rather_than_expanded() throws Exception {
    Path file = dir.resolve("TEST-xxe.xml");
    Files.writeString(file, "<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        + "<testsuite><testcase classname=\"a.B\" name=\"&x;\"/></testsuite>");
    assertThrows(IOException.class, () -> TestReports.read(file));
  }

  @Test
  void test_ids_follow_the_register_syntax() {
    assertEquals(new TestId("dev.x.AIT", "m", "GW-13"), TestId.parse("dev.x.AIT#m[GW-13]").orElseThrow());
    assertEquals(new TestId("dev.x.AIT", null, null), TestId.parse("dev.x.AIT").orElseThrow());
    for (String bad : List.of("AIT#m", "dev.x.AIT#", "dev.x.AIT#m[]", "dev.x.AIT m", "")) {
      assertEquals(java.util.Optional.empty(), TestId.parse(bad), bad);
    }
  }
}
