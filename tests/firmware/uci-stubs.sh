# Stand-ins for the OpenWrt shell functions an init script and a package script use, for
# running them on a build machine (sourced). UCI files are shell, so config_load reads one
# by defining `config`, `option` and `list`; procd calls are written to $PROCD_LOG, one per
# line. $UCI_DIR holds the UCI files (OpenWrt: /etc/config).
_sections=""
config() { _section=${2:-cfg$(( $(echo "$_sections" | wc -w) + 1 ))}; _sections="$_sections $_section"; eval "_type_$_section=\$1"; }
option() { eval "_opt_${_section}_$1=\$2"; }
list() { eval "_list_${_section}_$1=\"\${_list_${_section}_$1:+\$_list_${_section}_$1
}\$2\""; }
config_load() { _sections=""; . "$UCI_DIR/$1"; }
config_get() {
    eval "_v=\${_opt_${2}_$3-__unset__}"
    [ "$_v" = __unset__ ] && _v=${4:-}
    eval "$1=\$_v"
}
config_get_bool() {
    config_get "$1" "$2" "$3" "${4:-0}"
    eval "case \$$1 in 1|on|true|yes|enabled) $1=1 ;; *) $1=0 ;; esac"
}
config_list_foreach() {
    eval "_items=\${_list_${1}_$2:-}"
    _old_ifs=$IFS
    IFS='
'
    for _item in $_items; do IFS=$_old_ifs; "$3" "$_item"; done
    IFS=$_old_ifs
}
config_foreach() {
    for _s in $_sections; do
        eval "_t=\$_type_$_s"
        [ "$_t" = "$2" ] && "$1" "$_s"
    done
    return 0
}
user_exists() { grep -q "^$1:" "$UCI_DIR/../passwd" 2>/dev/null; }
procd_open_instance() { echo "open_instance $*" >> "$PROCD_LOG"; }
procd_close_instance() { echo "close_instance" >> "$PROCD_LOG"; }
procd_set_param() { echo "$*" >> "$PROCD_LOG"; }
procd_append_param() { echo "append $*" >> "$PROCD_LOG"; }
procd_add_jail() { echo "jail $*" >> "$PROCD_LOG"; }
procd_add_jail_mount() { echo "jail_mount $*" >> "$PROCD_LOG"; }
procd_add_jail_mount_rw() { echo "jail_mount_rw $*" >> "$PROCD_LOG"; }
procd_add_reload_trigger() { echo "reload_trigger $*" >> "$PROCD_LOG"; }
