#!C:\Perl\bin\perl.exe
print "Content-Type: text/plain\r\n\r\n";
print "windows-perl-ok\n";
