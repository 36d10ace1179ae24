// The sync engine lands with issue 3; this keeps the target in the build until then.
namespace pv::sync {
int protocolVersion() { return 1; }
}
