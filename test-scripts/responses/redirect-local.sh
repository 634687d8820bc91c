#!/bin/sh
# RFC 3875 6.2.2 local redirect: a path the gateway serves itself, as a GET.
printf 'Location: /responses/env.pl/after-redirect?via=local\r\n\r\n'
