package io.cgiguard.load;

/** Failure pages as other CGI hosts word them, for the classifier and stub-server tests. */
final class ForeignPages {

  /** IIS 6, when a CGI program ends before a complete header block. */
  static final String IIS6_CGI_ERROR = """
      <head><title>Error in CGI Application</title></head>
      <body><h1>CGI Error</h1>The specified CGI application misbehaved by not returning a \
      complete set of HTTP headers.  The headers it did return are:<p><p><pre></pre>
      """;

  /** IIS 7 and later, same failure, as its detailed 502.2 page says it. */
  static final String IIS7_BAD_GATEWAY = """
      <html><head><title>IIS Detailed Error - 502.2 - Bad Gateway</title></head><body>
      <h3>HTTP Error 502.2 - Bad Gateway</h3>
      <h4>The specified CGI application misbehaved by not returning a complete set of HTTP \
      headers. The headers it did return are "".</h4></body></html>
      """;

  /** Apache httpd 2.4's generic 500 page (the script's fault is only in the error log). */
  static final String APACHE_500 = """
      <!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
      <html><head>
      <title>500 Internal Server Error</title>
      </head><body>
      <h1>Internal Server Error</h1>
      <p>The server encountered an internal error or
      misconfiguration and was unable to complete
      your request.</p>
      </body></html>
      """;

  /** nginx's 502 page when its upstream (fcgiwrap, say) failed. */
  static final String NGINX_502 = """
      <html>
      <head><title>502 Bad Gateway</title></head>
      <body>
      <center><h1>502 Bad Gateway</h1></center>
      <hr><center>nginx/1.22.1</center>
      </body>
      </html>
      """;

  /** nginx's 504 page when its upstream did not answer in time. */
  static final String NGINX_504 = """
      <html>
      <head><title>504 Gateway Time-out</title></head>
      <body>
      <center><h1>504 Gateway Time-out</h1></center>
      <hr><center>nginx</center>
      </body>
      </html>
      """;

  private ForeignPages() {}
}
