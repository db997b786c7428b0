# Run as `cmake -DSCHEMA_DIR=... -DOUTPUT=... -P embed_migrations.cmake` at build time: writes a
# C++ file holding the text of every SCHEMA_DIR/NNN_name.sql, so the binary needs no schema
# files at run time. Bytes are written as numbers: no SQL text can break the C++ syntax.
cmake_minimum_required(VERSION 3.25)
file(GLOB files RELATIVE "${SCHEMA_DIR}" "${SCHEMA_DIR}/*.sql")
list(SORT files)
set(arrays "")
set(entries "")
set(seen "")
foreach(file IN LISTS files)
  if(NOT file MATCHES "^([0-9][0-9][0-9])_([a-z0-9_]+)\\.sql$")
    message(FATAL_ERROR "${SCHEMA_DIR}/${file}: migrations are named NNN_lowercase_name.sql")
  endif()
  set(name "${CMAKE_MATCH_2}")
  string(REGEX REPLACE "^0+([0-9])" "\\1" version "${CMAKE_MATCH_1}")
  if(version IN_LIST seen)
    message(FATAL_ERROR "${SCHEMA_DIR}: two migrations have version ${version}")
  endif()
  list(APPEND seen ${version})
  file(READ "${SCHEMA_DIR}/${file}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND arrays "const unsigned char sql_${version}[] = {${bytes}0x00};\n")
  string(APPEND entries "        {${version}, \"${name}\", reinterpret_cast<const char *>(sql_${version})},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from ${SCHEMA_DIR} by cmake/embed_migrations.cmake: do not edit.
#include \"storage/db/migrations.hpp\"

namespace roomrec::storage {

namespace {
${arrays}} // namespace

const std::vector<Migration> &embedded_migrations() {
    static const std::vector<Migration> migrations = {
${entries}    };
    return migrations;
}

} // namespace roomrec::storage
")
# Unchanged text keeps its timestamp, so nothing recompiles needlessly.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
