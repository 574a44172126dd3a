#!/usr/bin/env bash
# Regenerates every IVR prompt from prompts.tsv: espeak-ng speaks the text (-v cmn for zh, -v en-us for en; a
# fourth column names another language's voice, as for the English "press 9" on the Mandarin menu),
# sox makes it 8 kHz mono 16-bit PCM; "beep" is a 1 kHz tone of 300 ms. Prints each prompt's duration and
# fails if the welcome is 15 s or longer (the 2023 national evaluation: welcomes average 14 s).
set -euo pipefail
cd "$(dirname "$0")"
command -v espeak-ng >/dev/null || { echo "make-prompts: espeak-ng is not installed (apt-get install espeak-ng)" >&2; exit 1; }
command -v sox >/dev/null || { echo "make-prompts: sox is not installed (apt-get install sox)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
while IFS=$'\t' read -r lang name text speaker; do
  [[ -z "${lang}" || "${lang}" == \#* ]] && continue
  mkdir -p "${lang}"
  out="${lang}/${name}.wav"
  if [[ "${name}" == beep ]]; then
    sox -n -r 8000 -c 1 -b 16 -e signed-integer "${out}" synth 0.3 sine 1000 vol 0.5
  else
    case "${speaker:-${lang}}" in
      zh) voice=cmn ;;
      en) voice=en-us ;;
      *) echo "make-prompts: no voice for '${speaker:-${lang}}'" >&2; exit 1 ;;
    esac
    espeak-ng -v "${voice}" -s 165 -w "${tmp}/raw.wav" "${text}"
    sox -v 0.8 "${tmp}/raw.wav" -r 8000 -c 1 -b 16 -e signed-integer -D "${out}"
  fi
  printf '%-4s %-26s %6.2f s\n' "${lang}" "${name}" "$(soxi -D "${out}")"
done < prompts.tsv
welcome=$(soxi -D zh/welcome.wav)
awk -v d="${welcome}" 'BEGIN { if (d >= 15) { printf "make-prompts: zh/welcome is %.2f s, it must stay under 15 s\n", d; exit 1 } }' >&2
echo "zh/welcome: ${welcome} s"
