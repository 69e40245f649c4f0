# Patient records are kept through the portal's own pages, which check who may see
# which record and audit every view and change. The Django admin does neither, so the
# Patient model is deliberately not registered there.
