package Cfg; our $DBPASS="s3cret"; 1;
