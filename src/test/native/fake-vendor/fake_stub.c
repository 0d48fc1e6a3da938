/* A library with nothing in it but its soname: the sub-libraries and dependencies of the stand-in installs. */
int lrml_fake_stub(void) { return 0; }
