package io.cgiguard.cgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestPathTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      plain                   | /cgi-bin/env.pl                | /cgi-bin/env.pl         | cgi-bin,env.pl
      path info               | /cgi-bin/env.pl/a/b            | /cgi-bin/env.pl/a/b     | cgi-bin,env.pl,a,b
      root                    | /                              | /                       | ''
      double slash collapsed  | //cgi-bin///env.pl             | /cgi-bin/env.pl         | cgi-bin,env.pl
      trailing slash kept     | /cgi-bin/env.pl/a/             | /cgi-bin/env.pl/a/      | cgi-bin,env.pl,a
      encoded space           | /cgi-bin/a%20b.pl              | /cgi-bin/a b.pl         | cgi-bin,a b.pl
      encoded UTF-8           | /x/caf%C3%A9                   | /x/café                 | x,café
      lower-case hex          | /x/caf%c3%a9                   | /x/café                 | x,café
      encoded percent alone   | /x/100%25                      | /x/100%                 | x,100%
      percent then non-hex    | /x/%25zz                       | /x/%zz                  | x,%zz
      dot inside a name       | /x/.hidden/a.b.c               | /x/.hidden/a.b.c        | x,.hidden,a.b.c
      three dots inside       | /x/a...b                       | /x/a...b                | x,a...b
      colon without dollar    | /x/a:b                         | /x/a:b                  | x,a:b
      dollar without colon    | /x/$a                          | /x/$a                   | x,$a
      sub-delims              | /x/a;b=c!d&e+f                 | /x/a;b=c!d&e+f          | x,a;b=c!d&e+f
      """)
  void decodesOnce(String category, String raw, String decodedPath, String segments) {
    RequestPath path = RequestPath.decode(raw);

    assertThat(path).as(category).isInstanceOf(RequestPath.Decoded.class);
    RequestPath.Decoded decoded = (RequestPath.Decoded) path;
    assertThat(decoded.decodedPath()).isEqualTo(decodedPath);
    List<String> expected = segments.isEmpty() ? List.of() : Arrays.asList(segments.split(","));
    assertThat(decoded.segments()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      not absolute            | cgi-bin/env.pl                 | the path must start with /
      empty                   | ''                             | the path must start with /
      raw control             | /x/a\tb                        | control character in the path
      raw DEL                 | /x/a\u007fb                    | control character in the path
      raw non-ASCII           | /x/café                        | raw non-ASCII character
      raw soft hyphen         | /x/a\u00adb                    | raw non-ASCII character
      raw backslash           | /x/..\\windows                 | backslash in the path
      truncated escape        | /x/a%2                         | malformed percent-escape
      non-hex escape          | /x/a%zz                        | malformed percent-escape
      lone percent            | /x/%                           | malformed percent-escape
      encoded NUL             | /x/env.pl%00.txt               | encoded control character
      encoded newline         | /x/a%0Ab                       | encoded control character
      encoded DEL             | /x/a%7Fb                       | encoded control character
      encoded C1 control      | /x/a%C2%85b                    | encoded control character
      encoded slash           | /x/a%2Fb                       | encoded slash (%2F)
      encoded slash lower     | /x/..%2fetc                    | encoded slash (%2F)
      encoded backslash       | /x/..%5Cwin                    | encoded backslash (%5C)
      dot dot                 | /x/../etc/passwd               | dot segment
      dot                     | /x/./env.pl                    | dot segment
      encoded dot dot         | /x/%2e%2e/etc                  | dot segment
      encoded upper dot dot   | /x/%2E%2E/etc                  | dot segment
      half encoded dot dot    | /x/.%2e/etc                    | dot segment
      dot dot with parameter  | /x/%2e%2e;x/etc                | dot segment
      plain dot dot parameter | /x/..;/etc                     | dot segment
      other half encoded      | /x/%2e./etc                    | dot segment
      encoded dot             | /x/%2e/env.pl                  | dot segment
      double-encoded dots     | /x/%252e%252e/etc              | double-encoded percent-escape
      double-encoded slash    | /x/a%252Fb                     | double-encoded percent-escape
      triple spelled escape   | /x/%25%32%65                   | double-encoded percent-escape
      overlong dot two bytes  | /x/%c0%ae%c0%ae/etc            | overlong UTF-8
      overlong slash          | /x/..%c0%af                    | overlong UTF-8
      overlong C1 lead        | /x/%c1%81                      | overlong UTF-8
      overlong dot three bytes | /x/%e0%80%ae                  | overlong UTF-8
      overlong four bytes     | /x/%f0%80%80%ae                | overlong UTF-8
      lone continuation       | /x/%80                         | invalid UTF-8
      soft hyphen byte alone  | /x/a%ADb                       | invalid UTF-8
      truncated sequence      | /x/%C3                         | invalid UTF-8
      encoded surrogate       | /x/%ED%A0%80                   | invalid UTF-8
      beyond U+10FFFF         | /x/%F4%90%80%80                | invalid UTF-8
      trailing dot            | /cgi-bin/env.pl.               | path segment ends in a dot or a space
      trailing dots           | /cgi-bin/env.pl...             | path segment ends in a dot or a space
      trailing encoded dot    | /cgi-bin/env.pl%2e             | path segment ends in a dot or a space
      trailing space          | /cgi-bin/env.pl%20             | path segment ends in a dot or a space
      trailing dot mid-path   | /cgi-bin./env.pl               | path segment ends in a dot or a space
      NTFS data stream        | /cgi-bin/env.pl::$DATA         | NTFS stream name
      NTFS named stream       | /cgi-bin/env.pl:s:$DATA        | NTFS stream name
      NTFS encoded            | /cgi-bin/env.pl%3A%3A%24DATA   | NTFS stream name
      encoded soft hyphen     | /x/php%C2%ADcgi                | soft hyphen (U+00AD)
      """)
  void rejectsEverySpellingThatCouldMeanSomethingElse(String category, String raw,
      String reason) {
    RequestPath path = RequestPath.decode(raw.replace("\\t", "\t").replace("\\u007f", "\u007f")
        .replace("\\u00ad", "\u00ad").replace("\\\\", "\\"));

    assertThat(path).as(category).isInstanceOf(RequestPath.Rejected.class);
    assertThat(((RequestPath.Rejected) path).reason()).as(category).contains(reason);
  }

  @Test
  void rejectionReasonsAreAsciiOnly() {
    RequestPath path = RequestPath.decode("/x/caf%C3%A9%C2%AD");

    assertThat(((RequestPath.Rejected) path).reason()).matches("[\\x20-\\x7e]+");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      plain          | env.pl        | env.pl
      space          | a b.pl        | a%20b.pl
      percent        | 100%          | 100%25
      question mark  | a?b           | a%3Fb
      hash           | a#b           | a%23b
      slash          | a/b           | a%2Fb
      UTF-8          | café          | caf%C3%A9
      pchar kept     | a:b@c;d=e     | a:b@c;d=e
      """)
  void encodeSegmentRoundTripsThroughDecode(String category, String segment, String encoded) {
    assertThat(RequestPath.encodeSegment(segment)).isEqualTo(encoded);
    if (!segment.contains("/")) {
      RequestPath back = RequestPath.decode("/" + encoded);
      assertThat(((RequestPath.Decoded) back).segments()).containsExactly(segment);
    }
  }
}
