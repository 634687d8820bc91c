#!C:\Perl\bin\perl.exe
print "Content-Type: text/plain\n\nunreachable\n";
