# bash completion for govner
_govner() {
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
    --rules|-o|--output)
        COMPREPLY=($(compgen -d -- "$cur"))
        return ;;
    -j|--jobs)
        COMPREPLY=($(compgen -W "1 2 4 8" -- "$cur"))
        return ;;
    --format)
        COMPREPLY=($(compgen -W "json tsv" -- "$cur"))
        return ;;
    --encoding)
        COMPREPLY=($(compgen -W "utf-8 gb18030 gbk big5" -- "$cur"))
        return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--lines --jsonl --rules --no-cache --output -o --jobs -j --format --encoding --explain --profile --quiet -q --help -h --version" -- "$cur"))
    elif [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W "check" -- "$cur") $(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _govner govner
