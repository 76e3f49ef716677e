"""tf_imgtrans"""
