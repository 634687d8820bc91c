package io.cgiguard.iis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScriptProcessorTest {

  @ParameterizedTest(name = "{0} -> {1}, arguments={2}")
  @CsvSource(delimiter = '|', value = {
      "C:\\Perl64\\bin\\perl.exe %s             | C:\\Perl64\\bin\\perl.exe | false",
      "C:\\Perl64\\bin\\perl.exe \"%s\"         | C:\\Perl64\\bin\\perl.exe | false",
      "C:\\Perl64\\bin\\perl.exe \"%s\" %s      | C:\\Perl64\\bin\\perl.exe | true",
      "C:\\Perl64\\bin\\perl.exe %s %s          | C:\\Perl64\\bin\\perl.exe | true",
      "\"C:\\Program Files\\Python\\python.exe\" \"%s\" | C:\\Program Files\\Python\\python.exe | false",
      "%SystemDrive%\\php\\php-cgi.exe %s       | C:\\php\\php-cgi.exe      | false",
      "C:\\PHP\\php-cgi.exe                     | C:\\PHP\\php-cgi.exe      | false",
      "\"C:\\Program Files\\PHP\\php-cgi.exe\"    | C:\\Program Files\\PHP\\php-cgi.exe | false"})
  void acceptsOneScriptPlaceholderAndAnOptionalArgumentsOne(String template, String program,
      boolean arguments) {
    assertThat(ScriptProcessor.parse(template, "*.pl"))
        .isEqualTo(new ScriptProcessor.Accepted(program, arguments));
  }

  @ParameterizedTest(name = "{0} for {1} refused: {2}")
  @CsvSource(delimiter = '|', value = {
      "C:\\Windows\\System32\\cmd.exe /c %s  | *.bat | CVE-2019-0232",
      "C:\\Windows\\System32\\cmd.exe /c %s  | *.cgi | command shell",
      "cmd /c \"%s\"                         | *.cgi | command shell",
      "C:\\perl\\perl.exe %s                 | *.cmd | CVE-2019-0232",
      "powershell.exe -File %s             | *.ps1 | command shell",
      "C:\\Perl64\\bin\\perl.exe -x %s       | *.pl  | found '-x %s'",
      "C:\\Perl64\\bin\\perl.exe %s %s %s    | *.pl  | found '%s %s %s'",
      "C:\\Program Files\\Perl\\perl.exe %s  | *.pl  | quote a program path",
      "C:\\Perl64\\bin\\perl.exe \"%s\" & del | *.pl | found '%s & del'"})
  void refusesEveryOtherFormWithItsReason(String template, String handlerPath, String reason) {
    ScriptProcessor parsed = ScriptProcessor.parse(template, handlerPath);

    assertThat(parsed).isInstanceOf(ScriptProcessor.Refused.class);
    assertThat(((ScriptProcessor.Refused) parsed).reason()).contains(reason);
  }
}
