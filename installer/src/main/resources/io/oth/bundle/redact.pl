# oth support bundle: redacts the diagnostics collected under DIR, in place, on the node, before
# anything leaves it.
#
#   perl redact.pl DIR
#
# stdin: the bundle's HMAC key as 64 hex digits, then one secret source a line: "whole PATH" (the
# file's trimmed content is a secret) or "kv PATH" (each value of 8 characters or more of a
# key=value, KEY="value", key: value or key = value line is a secret). Unreadable sources are
# skipped. A redacted value becomes <redacted:RULE:TOKEN>, TOKEN the first 8 hex digits of
# HMAC-SHA256(key, value): the same secret has the same token in every file and on every node.
# stdout: FILE<TAB>RULE<TAB>COUNT for each file and rule that changed something; never a value.
#
# Debian nodes are only sure to have perl-base: no Digest::SHA, MIME::Base64 or File::Find here.
use strict;
use warnings;
use Fcntl qw(O_WRONLY O_CREAT O_EXCL);

use constant MASK => 0xffffffff;
# Shorter values would be found by chance in unrelated text (SecretForms.MIN_LENGTH on oth's side).
use constant MIN_SECRET => 8;
# Lines of a multi-line secret that count on their own (SecretForms.MIN_LINE).
use constant MIN_LINE => 16;
use constant RULES => qw(secret private-key password url-password authorization aws-key binary truncated);

my $BEGIN = qr/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
my $END = qr/-----END [A-Z0-9 ]*PRIVATE KEY-----/;
# A line that may belong to a private key's block: blank, a PEM header, or ending in base64.
my $KEY_LINE = qr{[ \t]*(?:Proc-Type:[^\n]*|DEK-Info:[^\n]*|[A-Za-z0-9+/=]*|[^\n]*[ \t][A-Za-z0-9+/=]{16,})[ \t\r]*};
# The parts of a key name that make it a credential, and the last parts that make it a setting
# about one (password_file, token_ttl) instead.
my $CREDENTIAL = qr/(?:^|_)(?:password|passwd|pass|pwd|passphrase|secret|token|api_?key|access_?key|secret_?key|private_?key|credentials?|cookie|auth|minio_root_user)(?:_|$)/;
my $ABOUT = qr/_(?:file|path|dir|ttl|timeout|expiry|expires|lifetime|length|len|size|method|mechanisms?|type|enabled?|mode|policy|plugin|name|header|url|uri|endpoint|format|algorithm|cipher|backends?)$/;

# SHA-256's round constants and initial state.
my @K = map { hex } qw(
    428a2f98 71374491 b5c0fbcf e9b5dba5 3956c25b 59f111f1 923f82a4 ab1c5ed5 d807aa98 12835b01 243185be 550c7dc3
    72be5d74 80deb1fe 9bdc06a7 c19bf174 e49b69c1 efbe4786 0fc19dc6 240ca1cc 2de92c6f 4a7484aa 5cb0a9dc 76f988da
    983e5152 a831c66d b00327c8 bf597fc7 c6e00bf3 d5a79147 06ca6351 14292967 27b70a85 2e1b2138 4d2c6dfc 53380d13
    650a7354 766a0abb 81c2c92e 92722c85 a2bfe8a1 a81a664b c24b8b70 c76c51a3 d192e819 d6990624 f40e3585 106aa070
    19a4c116 1e376c08 2748774c 34b0bcb5 391c0cb3 4ed8aa4a 5b9cca4f 682e6ff3 748f82ee 78a5636f 84c87814 8cc70208
    90befffa a4506ceb bef9a3f7 c67178f2);
my @SHA256_START = (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);
my %tokens;    # value => token, for this run's key
my %count;     # rule => redactions in the current file

die "redact.pl: needs a 64-bit perl\n" unless ~0 > MASK;
my $dir = shift @ARGV;
die "usage: perl redact.pl DIR (the key and the secret sources on stdin)\n" unless defined $dir && !@ARGV;
die "redact.pl: $dir is not a directory\n" unless -d $dir;
my $max = $ENV{OTH_REDACT_MAX} // 8 * 1024 * 1024;
die "redact.pl: OTH_REDACT_MAX must be a number of bytes, 1024 or more\n" unless $max =~ /^[0-9]+$/ && $max >= 1024;

my $key_line = <STDIN>;
die "redact.pl: the first line of stdin must be the bundle key as 64 hex digits\n"
    unless defined $key_line && $key_line =~ /^([0-9A-Fa-f]{64})\r?\n?$/;
my $padded_key = pack('H*', $1) . "\0" x 32;
my $HMAC_INNER = sha256_blocks(\@SHA256_START, $padded_key ^ ("\x36" x 64));
my $HMAC_OUTER = sha256_blocks(\@SHA256_START, $padded_key ^ ("\x5c" x 64));

my %literal;    # form => the value whose token it gets
my %disabled;   # rules switched off ("disable RULE"): only for the test that proves the final check catches them
my $number = 1;
while (my $line = <STDIN>) {
    $number++;
    $line =~ s/\r?\n$//;
    next if $line eq '';
    if ($line =~ /^disable ([a-z\-]+)$/) {
        $disabled{$1} = 1;
        next;
    }
    my ($kind, $path) = $line =~ /^(whole|kv) (.+)$/
        or die "redact.pl: stdin line $number: expected \"whole PATH\", \"kv PATH\" or \"disable RULE\"\n";
    for my $value (source_values($kind, $path)) {
        my ($forms, $token_of) = forms($value);
        for my $form (@$forms) {
            $literal{$form} //= $token_of if length $form >= MIN_SECRET;
        }
    }
}
my $literals = %literal
    ? join '|', map { quotemeta } sort { length $b <=> length $a || $a cmp $b } keys %literal
    : undef;
$literals = qr/$literals/ if defined $literals;

for my $name (files('')) {
    redact_file($name);
}
exit 0;

sub source_values {
    my ($kind, $path) = @_;
    open my $in, '<:raw', $path or return;
    my $text = do { local $/; <$in> };
    close $in;
    return unless defined $text;
    if ($kind eq 'whole') {
        $text =~ s/\A\s+|\s+\z//g;
        return $text;
    }
    my @values;
    for my $line (split /\r?\n/, $text) {
        next unless $line =~ /^\s*(?:-\s+)?(?:export\s+)?[\w.\-]+\s*[=:]\s*(.*?)\s*$/;
        my $value = $1;
        $value = $2 if $value =~ /^(["'])(.*)\1$/;
        push @values, $value if length $value >= MIN_SECRET && !kept($value);
    }
    return @values;
}

# A value that is not a secret although its key says credential: a path, a placeholder, a switch.
sub kept {
    my ($value) = @_;
    return $value eq '' || $value =~ m{^/\S*$} || $value =~ /^<redacted:/ || $value =~ /^\$\{?\w+\}?$/
        || $value =~ /^(?:true|false|yes|no|on|off|none|null)$/i;
}

# The encodings of a value that oth's BundleVerifier looks for (SecretForms), and the value whose
# token they get: a private key's base64 body, so that every copy of a key has one token.
sub forms {
    my ($value) = @_;
    my $token_of = $value;
    my @forms = ($value, json_escaped($value));
    my $base64 = base64($value);
    (my $unpadded = $base64) =~ s/=+$//;
    (my $url = $unpadded) =~ tr{+/}{-_};
    my $hex = unpack 'H*', $value;
    (my $www = $value) =~ s/([^A-Za-z0-9.\-*_ ])/sprintf '%%%02X', ord $1/ge;
    (my $percent = $www) =~ s/ /%20/g;
    $www =~ tr/ /+/;
    push @forms, $base64, $unpadded, $url, $hex, uc $hex, $www, $percent;
    if ($value =~ /\n/) {
        for my $line (split /\n/, $value) {
            $line =~ s/\A\s+|\s+\z//g;
            push @forms, $line if length $line >= MIN_LINE && $line !~ /^(?:-----|Proc-Type:|DEK-Info:)/;
        }
    }
    if ($value =~ /$BEGIN(.*?)$END/s) {
        $token_of = key_material($1);
        push @forms, $token_of;
    }
    return (\@forms, $token_of);
}

sub json_escaped {
    my ($value) = @_;
    my %short = ('"' => '\\"', '\\' => '\\\\', "\b" => '\\b', "\f" => '\\f', "\n" => '\\n', "\r" => '\\r', "\t" => '\\t');
    $value =~ s{(["\\\x00-\x1f])}{$short{$1} // sprintf '\\u%04X', ord $1}ge;
    return $value;
}

sub base64 {
    my ($bytes) = @_;
    my @alphabet = ('A' .. 'Z', 'a' .. 'z', '0' .. '9', '+', '/');
    my $bits = unpack 'B*', $bytes;
    $bits .= '0' x (-length($bits) % 6);
    my $text = join '', map { $alphabet[oct "0b$_"] } $bits =~ /(.{6})/g;
    return $text . '=' x (-length($text) % 4);
}

# The base64 of a private key block's DER, whether its lines end in newlines or in JSON's \n escapes.
sub key_material {
    my ($block) = @_;
    $block =~ s/\\+[rn]/\n/g;
    $block =~ s/^[^\n]*:[^\n]*$//mg;
    $block =~ tr{A-Za-z0-9+/=}{}cd;
    return $block;
}

# Regular files under DIR, relative to it, sorted; links are never followed.
sub files {
    my ($relative) = @_;
    my $path = $relative eq '' ? $dir : "$dir/$relative";
    opendir my $dh, $path or die "redact.pl: cannot read the directory " . printable($relative) . ": $!\n";
    my @names = sort grep { $_ ne '.' && $_ ne '..' } readdir $dh;
    closedir $dh;
    my @files;
    for my $name (@names) {
        my $child = $relative eq '' ? $name : "$relative/$name";
        lstat "$dir/$child" or next;
        if (-d _) {
            push @files, files($child);
        } elsif (-f _) {
            push @files, $child;
        }
    }
    return @files;
}

sub redact_file {
    my ($name) = @_;
    my $path = "$dir/$name";
    %count = ();
    open my $in, '<:raw', $path or die "redact.pl: cannot read " . printable($name) . ": $!\n";
    my $size = -s $in;
    my $text = '';
    unless (($size <= $max || seek $in, $size - $max, 0) && defined read($in, $text, $max)) {
        die "redact.pl: cannot read " . printable($name) . ": $!\n";
    }
    close $in;
    if ($text =~ /\0/) {
        $text = "oth: binary file omitted ($size bytes)\n";
        $count{binary} = 1;
    } else {
        if ($size > $max) {
            # The cut may fall inside a line, or inside a key: the partial line goes too, and more
            # lines while the note does not fit, so that a second run finds nothing to cut.
            my $note;
            do {
                $text =~ s/\A[^\n]*\n?//;
                $note = "oth: truncated to its last " . length($text) . " of $size bytes\n";
            } while ($text ne '' && length($note) + length($text) > $max);
            $text = $note . $text;
            $count{truncated} = 1;
        }
        redact(\$text);
    }
    if (%count) {
        replace($path, $name, $text);
    }
    chmod 0600, $path or die "redact.pl: cannot chmod " . printable($name) . ": $!\n";
    for my $rule (RULES) {
        printf "%s\t%s\t%d\n", printable($name), $rule, $count{$rule} if $count{$rule};
    }
}

sub redact {
    my ($text) = @_;
    $$text =~ s/($literals)/redacted('secret', $literal{$1})/ge if defined $literals && !$disabled{secret};
    private_keys($text) unless $disabled{'private-key'};
    unless ($disabled{password}) {
        $$text =~ s{(?<![\w.\-])((\\?["'])([\w.\-]+)\2\s*:\s*\2)(.*?)(?<!\\)\2}
                   {$1 . (credential($3, $4) ? redacted('password', json_unescaped($4)) : $4) . $2}ge;
        $$text =~ s{^([ \t]*(?:-[ \t]+)?(?:export[ \t]+)?(?:-D)?)([\w.\-]+)([ \t]*[=:][ \t]*)("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\n]*?(?=[ \t]*\r?$))}
                   {$1 . $2 . $3 . assigned($2, $4)}gme;
        $$text =~ s{(?<![\w.\-/])(?<!<redacted:)((?:-D)?[\w.\-]+)([ \t]*[=:][ \t]*)("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s"'&,;]+)}
                   {my ($key, $separator, $value) = ($1, $2, $3); $key . $separator . assigned($key =~ s/^-D//r, $value)}ge;
    }
    $$text =~ s{\b([A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@"'<>]*:)([^\s/"'<>]+)@}
               {$1 . redacted('url-password', $2) . '@'}ge unless $disabled{'url-password'};
    unless ($disabled{authorization}) {
        $$text =~ s{(?<!<redacted:)\b((?i:(?:proxy-)?authorization)\\?["']?[ \t]*[:=][ \t]*\\?["']?[ \t]*(?>(?:[A-Za-z][\w\-]*[ \t]+)?))([^\s"'\\<]+)}
                   {$1 . redacted('authorization', $2)}ge;
        $$text =~ s{\b(Bearer[ \t]+)([A-Za-z0-9\-._~+/]{8,}=*)}{$1 . redacted('authorization', $2)}ge;
    }
    $$text =~ s{\b((?:AKIA|ASIA)[0-9A-Z]{16})\b}{redacted('aws-key', $1)}ge unless $disabled{'aws-key'};
}

# The value of an assignment as it stays: redacted inside its quotes when the key is a credential.
sub assigned {
    my ($key, $value) = @_;
    my ($open, $inner, $close) = $value =~ /^(["']?)(.*?)(\1)$/s;
    return $value unless credential($key, $inner);
    return $open . redacted('password', $open eq '"' ? json_unescaped($inner) : $inner) . $close;
}

sub credential {
    my ($key, $value) = @_;
    return 0 if kept($value);
    (my $name = $key) =~ s/([a-z0-9])([A-Z])/$1_$2/g;
    $name = lc $name;
    $name =~ tr/.-/__/;
    $name =~ s/(?:_[0-9]+)+$//;
    return $name =~ $CREDENTIAL && $name !~ $ABOUT;
}

sub json_unescaped {
    my ($value) = @_;
    $value =~ s/\\(["\\\/])/$1/g;
    return $value;
}

# Complete private key blocks, then a BEGIN without END (its line and the key lines after it), then
# an END without BEGIN (the key lines before it, as left by a cut): no part of a key stays.
sub private_keys {
    my ($text) = @_;
    return unless $$text =~ /-----(?:BEGIN|END) /;
    my $done = '';
    while ($$text =~ $BEGIN) {
        my $before = substr $$text, 0, $-[0];
        my $after = substr $$text, $+[0];
        my $next = $after =~ /-----BEGIN / ? $-[0] : length $after;
        my ($material, $length);
        if (substr($after, 0, $next) =~ $END) {
            ($material, $length) = ($-[0], $+[0]);
        } else {
            $after =~ /\A[^\n]*(?:\n$KEY_LINE(?=\n|\z))*/;
            $material = $length = $+[0];
        }
        $done .= $before . redacted('private-key', key_material(substr $after, 0, $material));
        $$text = substr $after, $length;
    }
    $$text = $done . $$text;
    while ($$text =~ $END) {
        my ($material, $end) = ($-[0], $+[0]);
        my $start = rindex($$text, "\n", $material - 1) + 1;
        while ($start > 0) {
            my $previous = rindex($$text, "\n", $start - 2) + 1;
            last unless substr($$text, $previous, $start - 1 - $previous) =~ /\A$KEY_LINE\z/;
            $start = $previous;
        }
        substr($$text, $start, $end - $start) = redacted('private-key', key_material(substr $$text, $start, $material - $start));
    }
}

sub redacted {
    my ($rule, $value) = @_;
    $count{$rule}++;
    $tokens{$value} //= unpack 'H8', hmac_sha256($value);
    return "<redacted:$rule:$tokens{$value}>";
}

sub replace {
    my ($path, $name, $text) = @_;
    my $temporary = "$path.oth-redact.$$";
    sysopen my $out, $temporary, O_WRONLY | O_CREAT | O_EXCL, 0600
        or die "redact.pl: cannot write beside " . printable($name) . ": $!\n";
    binmode $out;
    unless ((print {$out} $text) && close $out && rename $temporary, $path) {
        my $error = "$!";
        unlink $temporary;
        die "redact.pl: cannot replace " . printable($name) . ": $error\n";
    }
}

# A file name as one field of one output line.
sub printable {
    my ($name) = @_;
    $name =~ s/([\\\x00-\x1f\x7f])/sprintf '\\x%02x', ord $1/ge;
    return $name;
}

# FIPS 180-4 on 64-bit integers: the state after the 64-byte blocks of $data. Rotations keep
# their high bits; those fall off when the sums are masked to 32 bits.
sub sha256_blocks {
    my ($state, $data) = @_;
    my @hash = @$state;
    for my $block (unpack '(a64)*', $data) {
        my @w = unpack 'N16', $block;
        for my $t (16 .. 63) {
            my ($x, $y) = ($w[$t - 15], $w[$t - 2]);
            $w[$t] = ($w[$t - 16] + $w[$t - 7]
                + ((($x >> 7) | ($x << 25)) ^ (($x >> 18) | ($x << 14)) ^ ($x >> 3))
                + ((($y >> 17) | ($y << 15)) ^ (($y >> 19) | ($y << 13)) ^ ($y >> 10))) & MASK;
        }
        my ($a0, $b0, $c0, $d0, $e0, $f0, $g0, $h0) = @hash;
        for my $t (0 .. 63) {
            my $t1 = $h0 + $K[$t] + $w[$t] + (($e0 & $f0) ^ (~$e0 & $g0))
                + ((($e0 >> 6) | ($e0 << 26)) ^ (($e0 >> 11) | ($e0 << 21)) ^ (($e0 >> 25) | ($e0 << 7)));
            my $t2 = ((($a0 >> 2) | ($a0 << 30)) ^ (($a0 >> 13) | ($a0 << 19)) ^ (($a0 >> 22) | ($a0 << 10)))
                + (($a0 & $b0) ^ ($a0 & $c0) ^ ($b0 & $c0));
            ($h0, $g0, $f0, $e0, $d0, $c0, $b0, $a0) = ($g0, $f0, $e0, ($d0 + $t1) & MASK, $c0, $b0, $a0, ($t1 + $t2) & MASK);
        }
        my @round = ($a0, $b0, $c0, $d0, $e0, $f0, $g0, $h0);
        @hash = map { ($hash[$_] + $round[$_]) & MASK } 0 .. 7;
    }
    return \@hash;
}

# The digest of $before bytes already in $state followed by $message.
sub sha256_finish {
    my ($state, $message, $before) = @_;
    my $bits = ($before + length $message) * 8;
    my $padded = $message . "\x80" . "\0" x ((55 - length $message) % 64) . pack 'NN', $bits >> 32, $bits & MASK;
    return pack 'N8', @{sha256_blocks($state, $padded)};
}

# HMAC-SHA256 with the bundle key, whose padded inner and outer blocks are hashed once per run.
sub hmac_sha256 {
    my ($message) = @_;
    return sha256_finish($HMAC_OUTER, sha256_finish($HMAC_INNER, $message, 64), 64);
}
